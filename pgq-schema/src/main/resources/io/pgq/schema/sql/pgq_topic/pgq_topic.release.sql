-- pgq_topic.release(topic, group, member, partition, epoch): the owner gives a partition up
-- after finishing the batch in hand. It goes at once to its target (with epoch + 1) when that
-- is another live member, otherwise it is left free for the next assignment. Returns false
-- when the member did not own the partition at that epoch (nothing changes then).
create or replace function pgq_topic.release(
    i_topic text, i_group text, i_member text, i_partition int4, i_epoch int8)
returns boolean
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    v_next    text;
    v_expires timestamptz;
begin
    perform pgq_topic._lock_group(i_topic, i_group);
    select m.member_id, m.expires_at into v_next, v_expires
      from pgq_topic.lease t
      join pgq_topic.member m on m.topic_name = t.topic_name and m.group_name = t.group_name
                             and m.member_id = t.target
     where t.topic_name = i_topic and t.group_name = i_group and t.partition_no = i_partition
       and t.target <> i_member and m.expires_at > clock_timestamp();
    update pgq_topic.lease l
       set target = case when l.target = i_member then null else l.target end,
           owner = v_next,
           epoch = l.epoch + case when v_next is null then 0 else 1 end,
           expires_at = v_expires
     where l.topic_name = i_topic and l.group_name = i_group and l.partition_no = i_partition
       and l.owner = i_member and l.epoch = i_epoch;
    return found;
end;
$$;
