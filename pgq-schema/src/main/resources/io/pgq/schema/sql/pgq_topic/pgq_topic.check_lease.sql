-- pgq_topic.check_lease(topic, group, member, partition, epoch): the fencing check, for the
-- transaction that finishes work of a partition. Raises SQLSTATE PGQ01 unless the member still
-- owns the partition at that epoch; otherwise it locks the lease row until commit, so a member
-- taking the partition waits for this transaction and starts after its outcome. It does not
-- extend the lease: only heartbeats do.
create or replace function pgq_topic.check_lease(
    i_topic text, i_group text, i_member text, i_partition int4, i_epoch int8)
returns void
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
begin
    perform 1
       from pgq_topic.lease l
      where l.topic_name = i_topic and l.group_name = i_group and l.partition_no = i_partition
        and l.owner = i_member and l.epoch = i_epoch
        for update;
    if not found then
        raise exception 'partition % of topic "%" is no longer owned by member "%" at epoch % (group "%"): another member has taken it, so this transaction must not commit',
            i_partition, i_topic, i_member, i_epoch, i_group
            using errcode = 'PGQ01';
    end if;
end;
$$;
