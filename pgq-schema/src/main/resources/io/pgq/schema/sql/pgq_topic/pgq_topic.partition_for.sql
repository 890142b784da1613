-- pgq_topic.partition_for(key, partitions): the partition of a key, the same as the Java
-- client's: the first 4 bytes of md5 of the key's UTF-8 bytes, big-endian, unsigned, modulo
-- partitions. NULL for a NULL key (keyless events are spread, see pgq_topic.insert_event).
create or replace function pgq_topic.partition_for(i_key text, i_partitions int4)
returns int4
language sql immutable strict parallel safe
set search_path = pg_catalog, pg_temp
as $$
    select (('x' || left(md5(convert_to(i_key, 'UTF8')), 8))::bit(32)::int8 % i_partitions)::int4;
$$;
