-- pgq_topic.drop_topic(topic [, force]): drops the topic, its groups and its partition queues
-- with their events. Without force a topic that still has groups is refused. Returns 1, or 0
-- when there is no such topic.
create or replace function pgq_topic.drop_topic(i_topic text, i_force boolean)
returns int4
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    v_n      int4;
    v_groups text;
    k        int4;
begin
    lock table pgq.queue in share row exclusive mode;
    select t.partitions into v_n from pgq_topic.topic t where t.topic_name = i_topic for update;
    if not found then
        return 0;
    end if;
    select string_agg(g.group_name, ', ' order by g.group_name) into v_groups
      from pgq_topic.grp g where g.topic_name = i_topic;
    if v_groups is not null and not coalesce(i_force, false) then
        raise exception 'cannot drop topic "%": groups % still consume it; drop them with pgq_topic.drop_group or drop the topic with force',
            i_topic, v_groups
            using errcode = '2BP01';
    end if;
    -- the row first (its groups and leases go with it), so the queue guard lets the queues go
    delete from pgq_topic.topic t where t.topic_name = i_topic;
    for k in 0 .. v_n - 1 loop
        if exists (select 1 from pgq.queue q where q.queue_name = pgq_topic.partition_queue(i_topic, k)) then
            perform pgq.drop_queue(pgq_topic.partition_queue(i_topic, k), true);
        end if;
    end loop;
    return 1;
end;
$$;

create or replace function pgq_topic.drop_topic(i_topic text)
returns int4
language sql
set search_path = pg_catalog, pg_temp
as $$
    select pgq_topic.drop_topic(i_topic, false);
$$;
