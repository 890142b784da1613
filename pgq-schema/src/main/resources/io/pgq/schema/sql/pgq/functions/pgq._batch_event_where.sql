-- pgq._batch_event_where(): the condition that picks a batch's events from an event table
-- (alias ev), as a format() string whose arguments are, in order: the batch's tx_start
-- (pgq._batch_tx_range), the end tick's xmax, xmin and snapshot, the start tick's xmax and
-- snapshot, and the subscription id. pgq._batch_event_sql fills it with literals,
-- pgq._batch_first_chunk with the parameters of a prepared statement. An ev_txid below the
-- end tick's xmin is visible there (aborted rows are invisible anyway), so the snapshot
-- function is evaluated only for the few rows at or above it.
create or replace function pgq._batch_event_where()
returns text
language sql immutable parallel safe
as $$
    select 'ev.ev_txid >= %1$s and ev.ev_txid <= %2$s'
        ' and (ev.ev_txid < %3$s or pg_catalog.txid_visible_in_snapshot(ev.ev_txid, %4$s))'
        ' and (ev.ev_txid >= %5$s or not pg_catalog.txid_visible_in_snapshot(ev.ev_txid, %6$s))'
        ' and (ev.ev_owner is null or ev.ev_owner = %7$s)'::text;
$$;
