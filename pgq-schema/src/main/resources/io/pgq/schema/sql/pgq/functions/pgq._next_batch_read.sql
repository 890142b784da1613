-- pgq._next_batch_read(queue, consumer, finish_batch_id): pgq.next_batch_custom(queue, consumer,
-- null, null, null) with what reading the batch takes (pgq-java): opens the consumer's next
-- batch, or returns the open one, with the number of event ids taken between its two ticks
-- (end tick's event sequence minus the start tick's), whether its end tick is the queue's newest
-- (true: the consumer is caught up once it has handled the batch), and the arguments of
-- pgq._batch_first_chunk: the tables it reads (pgq._batch_tables), both ticks' snapshots and
-- the subscription id. With finish_batch_id it first finishes that batch, the consumer's open
-- one, in the same UPDATE (pgq._open_batch). All NULL when there is no further tick yet; same
-- errors as next_batch_custom. The batch's rows are read once; the caller reads the events with
-- its own rights. For pgq_topic.next_batch_events and finish_and_next_batch_events (needs
-- pgq_reader).
create or replace function pgq._next_batch_read(
    in i_queue_name text, in i_consumer_name text, in i_finish_batch_id int8,
    out batch_id int8, out event_ids int8, out newest boolean,
    out tables text[], out prev_snapshot txid_snapshot, out cur_snapshot txid_snapshot,
    out subscription_id int4)
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
    select * into b from pgq._open_batch(i_queue_name, i_consumer_name, null, null, null, i_finish_batch_id);
    if b.batch_id is null then
        return;
    end if;
    if b.cur_snapshot is null then
        raise exception 'batch not found';
    end if;
    batch_id := b.batch_id;
    event_ids := b.cur_tick_event_seq - b.prev_tick_event_seq;
    newest := b.newest;
    if newest is null then   -- a batch that was open already
        newest := not exists (select 1 from pgq.tick t where t.tick_queue = b.queue_id and t.tick_id > b.cur_tick_id);
    end if;
    tables := pgq._batch_tables(txid_snapshot_xmin(b.prev_snapshot), txid_snapshot_xmax(b.cur_snapshot),
                                b.data_pfx, b.ntables, b.cur_table, b.switch_step1, b.switch_step2);
    prev_snapshot := b.prev_snapshot;
    cur_snapshot := b.cur_snapshot;
    subscription_id := b.subscription_id;
end;
$$;
