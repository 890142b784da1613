-- pgq.force_tick(queue): makes the next ticker run tick, by pretending that many events
-- happened (event sequence += ticker_max_count*2 + 1000).  Does nothing for external or
-- paused queues.  Returns the current newest tick id; callers poll until it changes.
create or replace function pgq.force_tick(i_queue_name text)
returns bigint
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    q           record;
    v_tick_id   bigint;
begin
    select queue_id, queue_event_seq, queue_ticker_max_count, queue_external_ticker, queue_ticker_paused
      into q
      from pgq.queue
     where queue_name = i_queue_name;
    if not found then
        return null;
    end if;

    if not q.queue_external_ticker and not q.queue_ticker_paused then
        perform setval(q.queue_event_seq::regclass,
                       nextval(q.queue_event_seq::regclass) + q.queue_ticker_max_count * 2 + 1000);
    end if;

    select tick_id into v_tick_id
      from pgq.tick
     where tick_queue = q.queue_id
     order by tick_queue desc, tick_id desc
     limit 1;
    return v_tick_id;
end;
$$;
