-- pgq_topic.create_topic(topic, partitions): creates the topic and its partition queues
-- '<topic>.p0' .. '<topic>.p<partitions-1>' in the caller's transaction (all or nothing).
-- Returns 1 when created, 0 when the topic exists already with this partition count.
-- Refused: an invalid name, partitions outside 1..256, an existing topic with another count,
-- an existing queue with the topic's name or with a partition's name.
create or replace function pgq_topic.create_topic(i_topic text, i_partitions int4)
returns int4
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    v_existing int4;
    v_clash    text;
    k          int4;
begin
    perform pgq_topic._check_topic_name(i_topic);
    if i_partitions is null or i_partitions < 1 or i_partitions > 256 then
        raise exception 'invalid partition count % for topic "%": it must be between 1 and 256',
            coalesce(i_partitions::text, 'NULL'), i_topic
            using errcode = '22023';
    end if;
    -- the same lock as pgq.create_queue and pgq.drop_queue: no queue appears meanwhile
    lock table pgq.queue in share row exclusive mode;
    lock table pgq_topic.topic in share row exclusive mode;
    select t.partitions into v_existing from pgq_topic.topic t where t.topic_name = i_topic;
    if found then
        if v_existing = i_partitions then
            return 0;
        end if;
        raise exception 'topic "%" already exists with % partitions, not %: the partition count is fixed at creation; create a new topic to change it',
            i_topic, v_existing, i_partitions
            using errcode = '42710';
    end if;
    select q.queue_name into v_clash
      from pgq.queue q
     where q.queue_name = i_topic
        or (left(q.queue_name, length(i_topic) + 2) = i_topic || '.p'
            and substr(q.queue_name, length(i_topic) + 3) ~ '^[0-9]+$')
     order by q.queue_name
     limit 1;
    if found then
        raise exception 'cannot create topic "%": queue "%" already exists and would clash with the topic or its partitions; choose another topic name',
            i_topic, v_clash
            using errcode = '42710';
    end if;
    for k in 0 .. i_partitions - 1 loop
        perform pgq.create_queue(pgq_topic.partition_queue(i_topic, k));
    end loop;
    insert into pgq_topic.topic (topic_name, partitions) values (i_topic, i_partitions);
    return 1;
end;
$$;
