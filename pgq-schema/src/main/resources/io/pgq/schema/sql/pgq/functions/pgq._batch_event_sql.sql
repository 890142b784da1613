-- pgq._batch_event_sql(sub_id, prev_snapshot, cur_snapshot, tables): the SELECT of a batch's
-- events, unordered (reference §3.3): events whose ev_txid is visible in the end tick's
-- snapshot and not in the start tick's, owned by nobody or by the subscription, from the
-- tables given (pgq._batch_tables). Transactions that were running at the start tick and
-- finished by the end tick either widen the ev_txid range scan (when close to it) or go to an
-- IN list. Both snapshots are inlined as literals instead of joining pgq.tick per table.
-- Shared by batch_event_sql and _next_batch_sql, which read the batch's row once.
create or replace function pgq._batch_event_sql(
    i_sub_id integer, i_prev_snap txid_snapshot, i_cur_snap txid_snapshot, i_tables text[])
returns text
language plpgsql immutable
set search_path = pg_catalog, pg_temp
as $$
declare
    v_tx_start  bigint := txid_snapshot_xmax(i_prev_snap);
    v_txid      bigint;
    v_list      text := '';
    v_cols      constant text := 'ev.ev_id, ev.ev_time, ev.ev_txid, ev.ev_retry, ev.ev_type, ev.ev_data,'
                                 ' ev.ev_extra1, ev.ev_extra2, ev.ev_extra3, ev.ev_extra4';
    v_owner     text := format('(ev.ev_owner is null or ev.ev_owner = %s)', i_sub_id);
    v_range     text;
    v_sql       text := '';
    v_table     text;
begin
    -- transactions running at the start tick that finished by the end tick, newest first
    -- (none ran when the start tick's xmin is its xmax)
    if txid_snapshot_xmin(i_prev_snap) < txid_snapshot_xmax(i_prev_snap) then
        for v_txid in
            select x.id
              from (select txid_snapshot_xip(i_prev_snap) as id
                    except
                    select txid_snapshot_xip(i_cur_snap)) x
             order by 1 desc
        loop
            if v_txid >= v_tx_start - 100 then
                v_tx_start := v_txid;
            else
                v_list := v_list || case when v_list = '' then '' else ',' end || v_txid::text;
            end if;
        end loop;
    end if;

    -- ev_txid below the end tick's xmin is visible there (aborted rows are invisible anyway),
    -- so the snapshot function is evaluated only for the few rows at/above it
    v_range := format('ev.ev_txid >= %s and ev.ev_txid <= %s'
                      ' and (ev.ev_txid < %s or pg_catalog.txid_visible_in_snapshot(ev.ev_txid, %L::pg_catalog.txid_snapshot))'
                      ' and (ev.ev_txid >= %s or not pg_catalog.txid_visible_in_snapshot(ev.ev_txid, %L::pg_catalog.txid_snapshot))',
                      v_tx_start, txid_snapshot_xmax(i_cur_snap), txid_snapshot_xmin(i_cur_snap), i_cur_snap::text,
                      txid_snapshot_xmax(i_prev_snap), i_prev_snap::text);

    foreach v_table in array i_tables loop
        if v_sql <> '' then
            v_sql := v_sql || ' union all ';
        end if;
        v_sql := v_sql || 'select ' || v_cols || ' from ' || pgq.quote_fqname(v_table) || ' ev'
                       || ' where ' || v_range || ' and ' || v_owner;
        if v_list <> '' then
            v_sql := v_sql || ' union all select ' || v_cols || ' from ' || pgq.quote_fqname(v_table) || ' ev'
                           || ' where ev.ev_txid in (' || v_list || ') and ' || v_owner;
        end if;
    end loop;
    return v_sql;
end;
$$;
