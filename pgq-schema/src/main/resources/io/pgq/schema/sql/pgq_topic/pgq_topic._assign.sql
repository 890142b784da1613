-- pgq_topic._assign(topic, group, partitions): recomputes the target member of every
-- partition, sticky and balanced: with M live members each gets partitions / M, and the
-- partitions mod M members holding the most get one more; a member keeps its current targets
-- up to its quota (those it owns first), and only the surplus and the partitions of departed
-- members move, lowest partition first. Deterministic: a stable group changes nothing.
-- Called with the group's row locked (pgq_topic._lock_group).
create or replace function pgq_topic._assign(i_topic text, i_group text, i_partitions int4)
returns void
language plpgsql
set search_path = pg_catalog, pg_temp
as $$
declare
    v_members text[];
    v_quota   int4[];
    v_m       int4;
    i         int4;
begin
    update pgq_topic.lease l set target = null
     where l.topic_name = i_topic and l.group_name = i_group and l.target is not null
       and not exists (select 1 from pgq_topic.member m
                        where m.topic_name = i_topic and m.group_name = i_group and m.member_id = l.target);
    select array_agg(s.member_id order by s.held desc, s.member_id) into v_members
      from (select m.member_id,
                   (select count(*) from pgq_topic.lease l
                     where l.topic_name = i_topic and l.group_name = i_group and l.target = m.member_id) as held
              from pgq_topic.member m
             where m.topic_name = i_topic and m.group_name = i_group) s;
    v_m := coalesce(cardinality(v_members), 0);
    if v_m = 0 then
        return;
    end if;
    for i in 1 .. v_m loop
        v_quota[i] := i_partitions / v_m + case when i <= i_partitions % v_m then 1 else 0 end;
        update pgq_topic.lease l set target = null
         where l.topic_name = i_topic and l.group_name = i_group
           and l.partition_no in (select x.partition_no from pgq_topic.lease x
                                   where x.topic_name = i_topic and x.group_name = i_group
                                     and x.target = v_members[i]
                                   order by (x.owner is not distinct from x.target) desc, x.partition_no
                                   offset v_quota[i]);
    end loop;
    for i in 1 .. v_m loop
        update pgq_topic.lease l set target = v_members[i]
         where l.topic_name = i_topic and l.group_name = i_group
           and l.partition_no in (select x.partition_no from pgq_topic.lease x
                                   where x.topic_name = i_topic and x.group_name = i_group
                                     and x.target is null
                                   order by (x.owner is not distinct from v_members[i]) desc, x.partition_no
                                   limit v_quota[i] - (select count(*) from pgq_topic.lease y
                                                        where y.topic_name = i_topic and y.group_name = i_group
                                                          and y.target = v_members[i]));
    end loop;
end;
$$;
