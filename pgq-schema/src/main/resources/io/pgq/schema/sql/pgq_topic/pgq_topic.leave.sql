-- pgq_topic.leave(topic, group, member): the member leaves its group gracefully: it is
-- removed, the assignment is recomputed and each partition it owned goes at once to its new
-- target (epoch + 1), or is left free when no member is left. Call it after the batches in
-- hand are finished. Returns the number of partitions handed over or freed.
create or replace function pgq_topic.leave(i_topic text, i_group text, i_member text)
returns int4
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    v_n     int4;
    v_count int4;
begin
    v_n := pgq_topic._lock_group(i_topic, i_group);
    delete from pgq_topic.member m
     where m.topic_name = i_topic and m.group_name = i_group and m.member_id = i_member;
    if found then
        update pgq_topic.grp g set rebalances = g.rebalances + 1
         where g.topic_name = i_topic and g.group_name = i_group;
    end if;
    perform pgq_topic._assign(i_topic, i_group, v_n);
    update pgq_topic.lease l
       set owner = m.member_id,
           epoch = l.epoch + case when m.member_id is null then 0 else 1 end,
           expires_at = m.expires_at
      from pgq_topic.lease l2
      left join pgq_topic.member m on m.topic_name = l2.topic_name and m.group_name = l2.group_name
                                  and m.member_id = l2.target
     where l2.topic_name = l.topic_name and l2.group_name = l.group_name
       and l2.partition_no = l.partition_no
       and l.topic_name = i_topic and l.group_name = i_group and l.owner = i_member;
    get diagnostics v_count = row_count;
    return v_count;
end;
$$;
