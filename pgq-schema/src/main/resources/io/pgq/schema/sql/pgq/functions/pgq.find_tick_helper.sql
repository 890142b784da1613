-- pgq.find_tick_helper(queue_id, prev tick id/time/seq, min_count, min_interval): the end
-- tick for next_batch_custom.  Takes the newest tick after prev when it meets a threshold
-- (event-seq delta >= min_count or time delta >= min_interval); when the newest tick
-- overshoots a threshold by more than 2x, the first tick meeting a threshold instead.
-- All columns NULL when no threshold is met.
create or replace function pgq.find_tick_helper(
    in i_queue_id int4, in i_prev_tick_id int8, in i_prev_tick_time timestamptz, in i_prev_tick_seq int8,
    in i_min_count int8, in i_min_interval interval,
    out next_tick_id int8, out next_tick_time timestamptz, out next_tick_seq int8)
returns record
language plpgsql stable
-- plans cached while pgq.tick was small must not scan it in full (docs/design/schema.md)
set enable_seqscan = off
set jit = off
as $$
declare
    t       record;
begin
    select tick_id, tick_time, tick_event_seq into t
      from pgq.tick
     where tick_queue = i_queue_id
       and tick_id > i_prev_tick_id
     order by tick_queue desc, tick_id desc
     limit 1;
    if not found then
        return;
    end if;

    if not coalesce(t.tick_event_seq - i_prev_tick_seq >= i_min_count, false)
       and not coalesce(t.tick_time - i_prev_tick_time >= i_min_interval, false) then
        return;
    end if;

    if coalesce(t.tick_event_seq - i_prev_tick_seq > 2 * i_min_count, false)
       or coalesce(t.tick_time - i_prev_tick_time > 2 * i_min_interval, false) then
        -- far behind: do not swallow everything in one batch, take the first tick that is enough
        select tick_id, tick_time, tick_event_seq into t
          from pgq.tick
         where tick_queue = i_queue_id
           and tick_id > i_prev_tick_id
           and (coalesce(tick_event_seq - i_prev_tick_seq >= i_min_count, false)
                or coalesce(tick_time - i_prev_tick_time >= i_min_interval, false))
         order by tick_queue asc, tick_id asc
         limit 1;
    end if;

    next_tick_id := t.tick_id;
    next_tick_time := t.tick_time;
    next_tick_seq := t.tick_event_seq;
end;
$$;
