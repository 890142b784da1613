-- pgq.get_consumer_info([queue [, consumer]]): subscriptions with their lag (time since
-- the consumer's position tick), last activity, position, open batch and an estimate of
-- pending events.  NULL arguments match everything; ordered by queue, consumer.
create or replace function pgq.get_consumer_info(
    in i_queue_name text, in i_consumer_name text,
    out queue_name text, out consumer_name text, out lag interval, out last_seen interval,
    out last_tick bigint, out current_batch bigint, out next_tick bigint, out pending_events bigint)
returns setof record
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
begin
    return query
    select qu.queue_name, co.co_name,
           now() - t.tick_time,
           now() - sub.sub_active,
           sub.sub_last_tick, sub.sub_batch, sub.sub_next_tick,
           (select nt.tick_event_seq
              from pgq.tick nt
             where nt.tick_queue = sub.sub_queue
             order by nt.tick_queue desc, nt.tick_id desc
             limit 1) - t.tick_event_seq
      from pgq.subscription sub
      join pgq.queue qu on (qu.queue_id = sub.sub_queue)
      join pgq.consumer co on (co.co_id = sub.sub_consumer)
      left join pgq.tick t on (t.tick_queue = sub.sub_queue and t.tick_id = sub.sub_last_tick)
     where (i_queue_name is null or qu.queue_name = i_queue_name)
       and (i_consumer_name is null or co.co_name = i_consumer_name)
     order by 1, 2;
end;
$$;

-- pgq.get_consumer_info(queue): all consumers of a queue.
create or replace function pgq.get_consumer_info(
    in i_queue_name text,
    out queue_name text, out consumer_name text, out lag interval, out last_seen interval,
    out last_tick bigint, out current_batch bigint, out next_tick bigint, out pending_events bigint)
returns setof record
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
begin
    return query select * from pgq.get_consumer_info(i_queue_name, null);
end;
$$;

-- pgq.get_consumer_info(): all subscriptions.
create or replace function pgq.get_consumer_info(
    out queue_name text, out consumer_name text, out lag interval, out last_seen interval,
    out last_tick bigint, out current_batch bigint, out next_tick bigint, out pending_events bigint)
returns setof record
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
begin
    return query select * from pgq.get_consumer_info(null, null);
end;
$$;
