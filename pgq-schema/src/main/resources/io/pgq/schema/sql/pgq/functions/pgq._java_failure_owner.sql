-- pgq._java_failure_owner(batch, queue, consumer) (pgq-java, internal): the subscription
-- (queue id, consumer id) of the consumer or group, after checking that the batch is open on
-- it or on one of its members (same sub_id).  Raises 'batch not found' otherwise.
create or replace function pgq._java_failure_owner(
    i_batch_id bigint, i_queue_name text, i_consumer_name text,
    out sub_queue int4, out sub_consumer int4)
returns record
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
begin
    select s.sub_queue, s.sub_consumer into sub_queue, sub_consumer
      from pgq.subscription s
      join pgq.queue q on q.queue_id = s.sub_queue
      join pgq.consumer c on c.co_id = s.sub_consumer
      join pgq.subscription b on b.sub_queue = s.sub_queue and b.sub_id = s.sub_id
     where q.queue_name = i_queue_name and c.co_name = i_consumer_name
       and b.sub_batch = i_batch_id;
    if not found then
        raise exception 'batch not found: batch % is not open for consumer % of queue %',
            i_batch_id, i_consumer_name, i_queue_name;
    end if;
end;
$$;
