-- pgq_coop.unregister_subconsumer(queue, consumer, subconsumer, batch_handling): removes the
-- subconsumer's subscription. If it holds an open batch: batch_handling 0 raises
-- 'subconsumer has active batch', 1 drops the batch (its events are then never processed by
-- the group: the group's position is already past it). Returns 1, or 0 if not registered.
create or replace function pgq_coop.unregister_subconsumer(
    i_queue_name text,
    i_consumer_name text,
    i_subconsumer_name text,
    i_batch_handling integer)
returns integer
language plpgsql
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    v_queue_id integer;
    v_subcon_id integer;
    v_batch_id bigint;
begin
    select s.sub_queue, s.sub_consumer, s.sub_batch
      into v_queue_id, v_subcon_id, v_batch_id
      from pgq.queue q, pgq.consumer c, pgq.subscription s
     where q.queue_name = i_queue_name
       and c.co_name = i_consumer_name || '.' || i_subconsumer_name
       and s.sub_queue = q.queue_id
       and s.sub_consumer = c.co_id
       for update of s;
    if not found then
        return 0;
    end if;
    if v_batch_id is not null and i_batch_handling is distinct from 1 then
        raise exception 'subconsumer has active batch';
    end if;

    delete from pgq.subscription
     where sub_queue = v_queue_id
       and sub_consumer = v_subcon_id;
    return 1;
end;
$$;
