-- pgq_topic._lock_group(topic, group): locks the group's row for the rest of the transaction,
-- creating the group on first use (its leases, and its consumer on every partition queue, at
-- the newest tick). Returns the topic's partition count. Group changes are serialized by this
-- row lock, which works through any connection pooler (no session state).
create or replace function pgq_topic._lock_group(i_topic text, i_group text)
returns int4
language plpgsql
set search_path = pg_catalog, pg_temp
as $$
declare
    v_n int4;
    k   int4;
begin
    if i_group is null or i_group !~ '^[A-Za-z0-9_.:-]{1,128}$' then
        raise exception 'invalid group name "%": use 1 to 128 letters, digits, ''_'', ''.'', ''-'' or '':''',
            left(coalesce(i_group, '<NULL>'), 130)
            using errcode = '22023';
    end if;
    select t.partitions into v_n from pgq_topic.topic t where t.topic_name = i_topic for share;
    if not found then
        raise exception 'topic "%" does not exist: create it with pgq_topic.create_topic', i_topic
            using errcode = '42704';
    end if;
    perform 1 from pgq_topic.grp g where g.topic_name = i_topic and g.group_name = i_group for update;
    if found then
        return v_n;
    end if;
    insert into pgq_topic.grp (topic_name, group_name) values (i_topic, i_group)
        on conflict do nothing;
    if found then
        insert into pgq_topic.lease (topic_name, group_name, partition_no)
        select i_topic, i_group, gs.p from generate_series(0, v_n - 1) as gs(p);
        for k in 0 .. v_n - 1 loop
            perform pgq.register_consumer(pgq_topic.partition_queue(i_topic, k), i_group);
        end loop;
    end if;
    perform 1 from pgq_topic.grp g where g.topic_name = i_topic and g.group_name = i_group for update;
    return v_n;
end;
$$;
