-- pgq_topic.partition_queue(topic, partition): the name of the PgQ queue that holds the
-- partition: '<topic>.p<partition>'. Without a SET clause, with qualified operators, so that
-- the planner inlines it: a call in a query's condition costs nothing per row scanned.
create or replace function pgq_topic.partition_queue(i_topic text, i_partition int4)
returns text
language sql immutable strict parallel safe
as $$
    select i_topic operator(pg_catalog.||) '.p' operator(pg_catalog.||) i_partition::pg_catalog.text;
$$;
