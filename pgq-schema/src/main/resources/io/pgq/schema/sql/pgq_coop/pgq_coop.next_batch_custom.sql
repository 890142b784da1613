-- pgq_coop.next_batch_custom(queue, consumer, subconsumer, min_lag, min_count, min_interval
--                            [, dead_interval]): the next batch for one subconsumer, or NULL.
--   1. Locks the main consumer's subscription row: subconsumers of one group take turns here.
--      Registers the main consumer and the subconsumer on first use.
--   2. A subconsumer that already holds a batch gets the same batch again.
--   3. With dead_interval: one other subconsumer of the group not seen for longer than that is
--      removed; if it held a batch, the caller takes the batch over.
--   4. Otherwise the main consumer takes the next batch (pgq.next_batch_custom with the min_*
--      knobs) and "finishes" it at once: the group's position moves on when a batch is handed
--      out, and the batch and its ticks are recorded on the subconsumer's row until
--      pgq_coop.finish_batch.
create or replace function pgq_coop.next_batch_custom(
    i_queue_name text,
    i_consumer_name text,
    i_subconsumer_name text,
    i_min_lag interval,
    i_min_count integer,
    i_min_interval interval,
    i_dead_interval interval)
returns bigint
language plpgsql
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    v_subcon_name text := i_consumer_name || '.' || i_subconsumer_name;
    v_main record;
    v_sub record;
    v_dead record;
    v_batch record;
begin
    -- 1. the main consumer, locked
    select s.sub_queue, s.sub_consumer, s.sub_id, s.sub_next_tick
      into v_main
      from pgq.queue q, pgq.consumer c, pgq.subscription s
     where q.queue_name = i_queue_name
       and c.co_name = i_consumer_name
       and s.sub_queue = q.queue_id
       and s.sub_consumer = c.co_id
       for update of s;
    if not found then
        perform pgq_coop.register_subconsumer(i_queue_name, i_consumer_name, i_subconsumer_name);
        select s.sub_queue, s.sub_consumer, s.sub_id, s.sub_next_tick
          into v_main
          from pgq.queue q, pgq.consumer c, pgq.subscription s
         where q.queue_name = i_queue_name
           and c.co_name = i_consumer_name
           and s.sub_queue = q.queue_id
           and s.sub_consumer = c.co_id
           for update of s;
        if not found then
            raise exception 'main consumer not found';
        end if;
    end if;
    if v_main.sub_next_tick is not null then
        raise exception 'main consumer has batch open?';
    end if;

    -- 2. the subconsumer
    select s.sub_consumer, s.sub_batch
      into v_sub
      from pgq.consumer c, pgq.subscription s
     where c.co_name = v_subcon_name
       and s.sub_queue = v_main.sub_queue
       and s.sub_consumer = c.co_id;
    if not found then
        perform pgq_coop.register_subconsumer(i_queue_name, i_consumer_name, i_subconsumer_name);
        select s.sub_consumer, s.sub_batch
          into v_sub
          from pgq.consumer c, pgq.subscription s
         where c.co_name = v_subcon_name
           and s.sub_queue = v_main.sub_queue
           and s.sub_consumer = c.co_id;
        if not found then
            raise exception 'subconsumer not found';
        end if;
    end if;

    -- 3. a batch already owned: hand it out again
    if v_sub.sub_batch is not null then
        update pgq.subscription
           set sub_active = now()
         where sub_queue = v_main.sub_queue
           and sub_consumer = v_sub.sub_consumer;
        return v_sub.sub_batch;
    end if;

    -- 4. take over from a dead member of the group
    if i_dead_interval is not null then
        select s.sub_consumer, s.sub_batch, s.sub_last_tick, s.sub_next_tick
          into v_dead
          from pgq.subscription s
         where s.sub_queue = v_main.sub_queue
           and s.sub_id = v_main.sub_id
           and s.sub_consumer <> v_main.sub_consumer
           and s.sub_consumer <> v_sub.sub_consumer
           and s.sub_active < now() - i_dead_interval
         limit 1
           for update;
        if found then
            delete from pgq.subscription
             where sub_queue = v_main.sub_queue
               and sub_consumer = v_dead.sub_consumer;
            if v_dead.sub_batch is not null then
                update pgq.subscription
                   set sub_batch = v_dead.sub_batch,
                       sub_last_tick = v_dead.sub_last_tick,
                       sub_next_tick = v_dead.sub_next_tick,
                       sub_active = now()
                 where sub_queue = v_main.sub_queue
                   and sub_consumer = v_sub.sub_consumer;
                return v_dead.sub_batch;
            end if;
        end if;
    end if;

    -- 5. a new batch for the group
    select b.batch_id, b.cur_tick_id, b.prev_tick_id
      into v_batch
      from pgq.next_batch_custom(i_queue_name, i_consumer_name, i_min_lag, i_min_count, i_min_interval) b;
    if v_batch.batch_id is null then
        return null;
    end if;

    -- 6. the group moves on at once; the batch belongs to the subconsumer
    update pgq.subscription
       set sub_last_tick = sub_next_tick,
           sub_next_tick = null,
           sub_batch = null,
           sub_active = now()
     where sub_queue = v_main.sub_queue
       and sub_consumer = v_main.sub_consumer;
    update pgq.subscription
       set sub_batch = v_batch.batch_id,
           sub_last_tick = v_batch.prev_tick_id,
           sub_next_tick = v_batch.cur_tick_id,
           sub_active = now()
     where sub_queue = v_main.sub_queue
       and sub_consumer = v_sub.sub_consumer;
    return v_batch.batch_id;
end;
$$;

-- Without a dead interval: no take-over.
create or replace function pgq_coop.next_batch_custom(
    i_queue_name text,
    i_consumer_name text,
    i_subconsumer_name text,
    i_min_lag interval,
    i_min_count integer,
    i_min_interval interval)
returns bigint
language sql
as $$
    select pgq_coop.next_batch_custom(i_queue_name, i_consumer_name, i_subconsumer_name,
                                      i_min_lag, i_min_count, i_min_interval, null);
$$;
