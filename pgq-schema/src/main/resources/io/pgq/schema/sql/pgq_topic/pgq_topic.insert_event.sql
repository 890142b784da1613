-- pgq_topic.insert_event(topic, key, type, data [, extra1, extra2, extra3]): inserts an event
-- into the partition of its key, the one the Java client picks (pgq_topic.partition_for); a
-- NULL key goes to a random partition. The key is stored in ev_extra4. Returns the event id,
-- unique within the partition. Runs with the caller's rights: needs pgq_writer.
create or replace function pgq_topic.insert_event(
    i_topic text, i_key text, i_type text, i_data text,
    i_extra1 text, i_extra2 text, i_extra3 text)
returns int8
language plpgsql
set search_path = pg_catalog, pg_temp
as $$
declare
    v_n int4;
begin
    select t.partitions into v_n from pgq_topic.topic t where t.topic_name = i_topic;
    if not found then
        raise exception 'topic "%" does not exist: create it with pgq_topic.create_topic', i_topic
            using errcode = '42704';
    end if;
    if octet_length(convert_to(i_key, 'UTF8')) > 512 then
        raise exception 'key of % bytes is too long for topic "%": keys are at most 512 bytes of UTF-8',
            octet_length(convert_to(i_key, 'UTF8')), i_topic
            using errcode = '22001';
    end if;
    return pgq.insert_event(
        pgq_topic.partition_queue(i_topic,
            coalesce(pgq_topic.partition_for(i_key, v_n), floor(random() * v_n)::int4)),
        i_type, i_data, i_extra1, i_extra2, i_extra3, i_key);
end;
$$;

create or replace function pgq_topic.insert_event(i_topic text, i_key text, i_type text, i_data text)
returns int8
language sql
set search_path = pg_catalog, pg_temp
as $$
    select pgq_topic.insert_event(i_topic, i_key, i_type, i_data, null, null, null);
$$;
