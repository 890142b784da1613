-- pgq._next_batch_sql(queue, consumer): pgq.next_batch_custom(queue, consumer, null, null, null)
-- and pgq.batch_event_sql of its batch in one call (pgq-java): opens the consumer's next
-- batch, or returns the open one, with the number of event ids taken between its two ticks
-- (end tick's event sequence minus the start tick's), the SELECT of its events, unordered, and
-- whether its end tick is the queue's newest (true: the consumer is caught up once it has
-- handled the batch). All NULL when there is no further tick yet; same errors as
-- next_batch_custom. The batch's rows are read once (pgq._open_batch), where the two calls read
-- them three times; the caller runs the SELECT with its own rights. For
-- pgq_topic.next_batch_events (needs pgq_reader).
create or replace function pgq._next_batch_sql(
    in i_queue_name text, in i_consumer_name text,
    out batch_id int8, out event_ids int8, out event_sql text, out newest boolean)
returns record
language plpgsql security definer
set search_path = pg_catalog, pg_temp
-- plans cached while pgq.tick was small must not scan it in full (docs/design/schema.md)
set enable_seqscan = off
set jit = off
as $$
declare
    b   record;
begin
    select * into b from pgq._open_batch(i_queue_name, i_consumer_name, null, null, null);
    if b.batch_id is null then
        return;
    end if;
    if b.cur_snapshot is null then
        raise exception 'batch not found';
    end if;
    batch_id := b.batch_id;
    event_ids := b.cur_tick_event_seq - b.prev_tick_event_seq;
    newest := not exists (select 1 from pgq.tick t where t.tick_queue = b.queue_id and t.tick_id > b.cur_tick_id);
    event_sql := pgq._batch_event_sql(b.subscription_id, b.prev_snapshot, b.cur_snapshot,
                                      pgq._batch_tables(txid_snapshot_xmin(b.prev_snapshot), txid_snapshot_xmax(b.cur_snapshot),
                                                        b.data_pfx, b.ntables, b.cur_table,
                                                        b.switch_step1, b.switch_step2));
end;
$$;
