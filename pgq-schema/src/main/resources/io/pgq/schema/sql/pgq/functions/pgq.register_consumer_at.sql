-- pgq.register_consumer_at(queue, consumer, tick): subscribe at the given tick (NULL = the
-- newest).  An existing subscription is repositioned when the tick is given (an open batch
-- is dropped) and 0 is returned; a new subscription returns 1.
-- Safe under concurrency: sessions registering the same name at once (on one queue or on
-- several) never see a unique violation; the consumer row and the subscription are inserted
-- with ON CONFLICT DO NOTHING, which waits for a concurrent inserter and then re-reads its row.
-- Of several first registrations of one subscription, exactly one returns 1.
create or replace function pgq.register_consumer_at(x_queue_name text, x_consumer_name text, x_tick_pos bigint)
returns integer
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    v_queue_id      int4;
    v_consumer_id   int4;
    v_tick          bigint;
begin
    select queue_id into v_queue_id
      from pgq.queue
     where queue_name = x_queue_name;
    if not found then
        raise exception 'Event queue not created yet';
    end if;

    -- the consumer row: read it, or insert it; a concurrent inserter makes the insert wait
    -- and do nothing, and the next read (a new snapshot) sees its row
    for i in 1 .. 10 loop
        select co_id into v_consumer_id
          from pgq.consumer
         where co_name = x_consumer_name;
        exit when found;
        insert into pgq.consumer (co_name) values (x_consumer_name)
            on conflict (co_name) do nothing
        returning co_id into v_consumer_id;
        exit when found;
    end loop;
    if v_consumer_id is null then
        raise exception 'register_consumer: consumer % is created and dropped concurrently', x_consumer_name
              using hint = 'Try again.', errcode = 'serialization_failure';
    end if;

    if x_tick_pos is not null then
        perform 1 from pgq.tick where tick_queue = v_queue_id and tick_id = x_tick_pos;
        if not found then
            raise exception 'cannot reposition, tick not found: %', x_tick_pos;
        end if;
    end if;

    perform 1 from pgq.subscription
     where sub_queue = v_queue_id and sub_consumer = v_consumer_id
       for update;
    if not found then
        if x_tick_pos is null then
            select tick_id into v_tick
              from pgq.tick
             where tick_queue = v_queue_id
             order by tick_queue desc, tick_id desc
             limit 1;
            if not found then
                raise exception 'No ticks for this queue.  Please run ticker on database.';
            end if;
        else
            v_tick := x_tick_pos;
        end if;

        insert into pgq.subscription (sub_queue, sub_consumer, sub_last_tick)
        values (v_queue_id, v_consumer_id, v_tick)
            on conflict (sub_queue, sub_consumer) do nothing;
        if found then
            return 1;
        end if;
        -- a concurrent session subscribed it meanwhile (and has committed): already subscribed
    end if;

    if x_tick_pos is not null then
        update pgq.subscription
           set sub_last_tick = x_tick_pos,
               sub_active = now(),
               sub_batch = null,
               sub_next_tick = null
         where sub_queue = v_queue_id and sub_consumer = v_consumer_id;
    end if;
    return 0;
end;
$$;
