-- pgq._batch_tx_range(prev_snapshot, cur_snapshot): where a batch's transactions lie, for the
-- SELECT of its events (pgq._batch_event_sql, pgq._batch_first_chunk). Events from ev_txid
-- tx_start on are tested against both snapshots; old_txids are the transactions that were
-- running at the start tick, finished by the end tick and lie more than 100 ids below the rest
-- (looked up one by one; NULL when there are none). tx_start is the start tick's xmax unless
-- such a transaction lies close enough to widen the range down to it.
create or replace function pgq._batch_tx_range(
    i_prev_snap txid_snapshot, i_cur_snap txid_snapshot,
    out tx_start int8, out old_txids int8[])
returns record
language plpgsql immutable
set search_path = pg_catalog, pg_temp
as $$
declare
    v_txid  int8;
begin
    tx_start := txid_snapshot_xmax(i_prev_snap);
    -- none ran when the start tick's xmin is its xmax
    if txid_snapshot_xmin(i_prev_snap) = txid_snapshot_xmax(i_prev_snap) then
        return;
    end if;
    -- transactions running at the start tick that finished by the end tick, newest first
    for v_txid in
        select x.id
          from (select txid_snapshot_xip(i_prev_snap) as id
                except
                select txid_snapshot_xip(i_cur_snap)) x
         order by 1 desc
    loop
        if v_txid >= tx_start - 100 then
            tx_start := v_txid;
        else
            old_txids := old_txids || v_txid;
        end if;
    end loop;
end;
$$;
