-- pgq_topic.save_progress(topic, group, member, partition, epoch, batch_id, ev_id): records
-- that the events of the open batch up to ev_id (in ev_id order) are finished, under the
-- fencing check (pgq_topic.check_lease). A new owner of the partition gets the same batch
-- from pgq.next_batch and skips those events.
create or replace function pgq_topic.save_progress(
    i_topic text, i_group text, i_member text, i_partition int4, i_epoch int8,
    i_batch_id int8, i_ev_id int8)
returns void
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
begin
    perform pgq_topic.check_lease(i_topic, i_group, i_member, i_partition, i_epoch);
    update pgq_topic.lease l set batch_id = i_batch_id, done_ev_id = i_ev_id
     where l.topic_name = i_topic and l.group_name = i_group and l.partition_no = i_partition;
end;
$$;
