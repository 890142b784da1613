-- pgq_topic.partition_queue(topic, partition): the name of the PgQ queue that holds the
-- partition: '<topic>.p<partition>'.
create or replace function pgq_topic.partition_queue(i_topic text, i_partition int4)
returns text
language sql immutable strict parallel safe
set search_path = pg_catalog, pg_temp
as $$
    select i_topic || '.p' || i_partition::text;
$$;
