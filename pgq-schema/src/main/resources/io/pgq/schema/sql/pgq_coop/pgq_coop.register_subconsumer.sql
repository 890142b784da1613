-- pgq_coop.register_subconsumer(queue, consumer, subconsumer): subscribes subconsumer
-- '<consumer>.<subconsumer>' to the queue, registering the main consumer first if needed.
-- A new subconsumer row gets the main consumer's sub_id (so the group shares retry events and
-- pgq.unregister_consumer of the main consumer removes the whole group) and no position of its
-- own (NULL ticks). Returns 1 if the subconsumer was registered now, 0 if it already was.
create or replace function pgq_coop.register_subconsumer(
    i_queue_name text,
    i_consumer_name text,
    i_subconsumer_name text)
returns integer
language plpgsql
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    v_subcon_name text := i_consumer_name || '.' || i_subconsumer_name;
begin
    perform pgq.register_consumer(i_queue_name, i_consumer_name);
    if pgq.register_consumer(i_queue_name, v_subcon_name) = 0 then
        return 0;
    end if;

    update pgq.subscription s
       set sub_id = m.sub_id,
           sub_last_tick = null,
           sub_next_tick = null,
           sub_batch = null
      from pgq.queue q, pgq.consumer mc, pgq.subscription m, pgq.consumer sc
     where q.queue_name = i_queue_name
       and mc.co_name = i_consumer_name
       and m.sub_queue = q.queue_id
       and m.sub_consumer = mc.co_id
       and sc.co_name = v_subcon_name
       and s.sub_queue = q.queue_id
       and s.sub_consumer = sc.co_id;
    if not found then
        raise exception 'main consumer not found';
    end if;
    return 1;
end;
$$;
