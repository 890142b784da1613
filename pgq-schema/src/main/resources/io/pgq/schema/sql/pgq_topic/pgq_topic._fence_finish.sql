-- pgq_topic._fence_finish(topic, group, member, partition, epoch): the lease side of finishing a
-- batch of a partition, in one UPDATE: the fencing check (as pgq_topic.check_lease: SQLSTATE
-- PGQ01 unless the member still owns the partition at that epoch), the row lock held until
-- commit, and the batch's progress cleared. For finish_batch, finish_and_next_batch and
-- finish_and_next_batch_events (needs pgq_reader), which then finish the batch itself in the
-- same transaction.
create or replace function pgq_topic._fence_finish(
    i_topic text, i_group text, i_member text, i_partition int4, i_epoch int8)
returns void
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
begin
    update pgq_topic.lease l set batch_id = null, done_ev_id = null
     where l.topic_name = i_topic and l.group_name = i_group and l.partition_no = i_partition
       and l.owner = i_member and l.epoch = i_epoch;
    if not found then
        perform pgq_topic.check_lease(i_topic, i_group, i_member, i_partition, i_epoch);   -- raises PGQ01
    end if;
end;
$$;
