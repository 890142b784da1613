-- pgq_topic.drop_group(topic, group): removes the group: its members and leases, and its
-- consumer on every partition queue (with any pending retries). Returns 1, or 0 when there is
-- no such group.
create or replace function pgq_topic.drop_group(i_topic text, i_group text)
returns int4
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    v_n int4;
    k   int4;
begin
    select t.partitions into v_n from pgq_topic.topic t where t.topic_name = i_topic;
    if not found then
        return 0;
    end if;
    delete from pgq_topic.grp g where g.topic_name = i_topic and g.group_name = i_group;
    if not found then
        return 0;
    end if;
    for k in 0 .. v_n - 1 loop
        perform pgq.unregister_consumer(pgq_topic.partition_queue(i_topic, k), i_group);
    end loop;
    return 1;
end;
$$;
