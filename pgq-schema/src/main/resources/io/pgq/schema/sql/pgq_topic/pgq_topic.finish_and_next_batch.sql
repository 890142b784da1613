-- pgq_topic.finish_and_next_batch(topic, group, member, partition, epoch, batch_id): finishes a
-- batch of a partition as pgq_topic.finish_batch does (same fencing check; SQLSTATE 22023 for a
-- batch that is not the group's open one) and, in the same UPDATE of the subscription
-- (pgq._open_batch), opens the group's next batch on the partition. Returns
-- the next batch's id, or NULL when the partition has no further tick yet. One round trip
-- instead of two for a member that looks for the next batch as soon as it finished one (an
-- empty look at every batch when the partition is caught up).
create or replace function pgq_topic.finish_and_next_batch(
    i_topic text, i_group text, i_member text, i_partition int4, i_epoch int8, i_batch_id int8)
returns int8
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
begin
    perform pgq_topic._fence_finish(i_topic, i_group, i_member, i_partition, i_epoch);
    return (select f.batch_id
              from pgq._open_batch(pgq_topic.partition_queue(i_topic, i_partition), i_group,
                                   null, null, null, i_batch_id) f);
end;
$$;
