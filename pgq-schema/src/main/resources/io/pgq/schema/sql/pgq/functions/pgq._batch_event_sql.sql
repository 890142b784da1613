-- pgq._batch_event_sql(sub_id, prev_snapshot, cur_snapshot, tables): the SELECT of a batch's
-- events, unordered (reference §3.3): events whose ev_txid is visible in the end tick's
-- snapshot and not in the start tick's, owned by nobody or by the subscription, from the
-- tables given (pgq._batch_tables). Transactions that were running at the start tick and
-- finished by the end tick either widen the ev_txid range scan (when close to it) or go to an
-- IN list (pgq._batch_tx_range). Both snapshots are inlined as literals instead of joining
-- pgq.tick per table. Shared by batch_event_sql and pgq._batch_first_chunk, whose callers read
-- the batch's row once.
create or replace function pgq._batch_event_sql(
    i_sub_id integer, i_prev_snap txid_snapshot, i_cur_snap txid_snapshot, i_tables text[])
returns text
language plpgsql immutable
set search_path = pg_catalog, pg_temp
as $$
declare
    v_range_of  record := pgq._batch_tx_range(i_prev_snap, i_cur_snap);
    v_tx_start  bigint := v_range_of.tx_start;
    v_list      text := coalesce(array_to_string(v_range_of.old_txids, ','), '');
    v_cols      constant text := 'ev.ev_id, ev.ev_time, ev.ev_txid, ev.ev_retry, ev.ev_type, ev.ev_data,'
                                 ' ev.ev_extra1, ev.ev_extra2, ev.ev_extra3, ev.ev_extra4';
    v_owner     text := format('(ev.ev_owner is null or ev.ev_owner = %s)', i_sub_id);
    v_range     text;
    v_sql       text := '';
    v_table     text;
begin
    v_range := format(pgq._batch_event_where(),
                      v_tx_start, txid_snapshot_xmax(i_cur_snap), txid_snapshot_xmin(i_cur_snap),
                      quote_literal(i_cur_snap::text) || '::pg_catalog.txid_snapshot',
                      txid_snapshot_xmax(i_prev_snap),
                      quote_literal(i_prev_snap::text) || '::pg_catalog.txid_snapshot',
                      i_sub_id);
    foreach v_table in array i_tables loop
        if v_sql <> '' then
            v_sql := v_sql || ' union all ';
        end if;
        v_sql := v_sql || 'select ' || v_cols || ' from ' || pgq.quote_fqname(v_table) || ' ev'
                       || ' where ' || v_range;
        if v_list <> '' then
            v_sql := v_sql || ' union all select ' || v_cols || ' from ' || pgq.quote_fqname(v_table) || ' ev'
                           || ' where ev.ev_txid in (' || v_list || ') and ' || v_owner;
        end if;
    end loop;
    return v_sql;
end;
$$;
