-- pgq_coop.next_batch(queue, consumer, subconsumer [, dead_interval]): the next batch for the
-- subconsumer, or NULL when there is none yet; see pgq_coop.next_batch_custom.
create or replace function pgq_coop.next_batch(
    i_queue_name text,
    i_consumer_name text,
    i_subconsumer_name text)
returns bigint
language sql
as $$
    select pgq_coop.next_batch_custom(i_queue_name, i_consumer_name, i_subconsumer_name,
                                      null, null, null, null);
$$;

create or replace function pgq_coop.next_batch(
    i_queue_name text,
    i_consumer_name text,
    i_subconsumer_name text,
    i_dead_interval interval)
returns bigint
language sql
as $$
    select pgq_coop.next_batch_custom(i_queue_name, i_consumer_name, i_subconsumer_name,
                                      null, null, null, i_dead_interval);
$$;
