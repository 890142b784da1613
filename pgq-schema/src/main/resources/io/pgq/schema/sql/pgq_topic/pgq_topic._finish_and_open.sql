-- pgq_topic._finish_and_open(topic, group, member, partition, epoch, batch_id): finishes a batch
-- of a partition under the fencing check (pgq_topic._fence_finish) and opens the group's next
-- batch on the partition in the same UPDATE of the subscription, returning what
-- pgq._next_batch_read returns (all NULL when there is no further tick yet). For
-- pgq_topic.finish_and_next_batch_events, which reads the events with the caller's rights
-- (needs pgq_reader).
create or replace function pgq_topic._finish_and_open(
    i_topic text, i_group text, i_member text, i_partition int4, i_epoch int8, i_batch_id int8,
    out batch_id int8, out event_ids int8, out newest boolean,
    out tables text[], out prev_snapshot txid_snapshot, out cur_snapshot txid_snapshot,
    out subscription_id int4)
returns record
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
begin
    perform pgq_topic._fence_finish(i_topic, i_group, i_member, i_partition, i_epoch);
    select * into batch_id, event_ids, newest, tables, prev_snapshot, cur_snapshot, subscription_id
      from pgq._next_batch_read(pgq_topic.partition_queue(i_topic, i_partition), i_group, i_batch_id);
end;
$$;
