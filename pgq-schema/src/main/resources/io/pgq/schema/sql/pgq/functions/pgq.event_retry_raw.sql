-- pgq.event_retry_raw(queue, consumer, retry_after, ev fields...): puts an arbitrary event
-- into the retry queue of the consumer's subscription.  ev_id NULL takes the next value of
-- the queue's event sequence.  Returns the event id.
create or replace function pgq.event_retry_raw(
    x_queue text, x_consumer text, x_retry_after timestamptz,
    x_ev_id bigint, x_ev_time timestamptz, x_ev_retry integer,
    x_ev_type text, x_ev_data text,
    x_ev_extra1 text, x_ev_extra2 text, x_ev_extra3 text, x_ev_extra4 text)
returns bigint
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    s       record;
    v_id    bigint;
begin
    select sub.sub_id, sub.sub_queue, qu.queue_event_seq into s
      from pgq.consumer co, pgq.queue qu, pgq.subscription sub
     where qu.queue_name = x_queue
       and co.co_name = x_consumer
       and sub.sub_consumer = co.co_id
       and sub.sub_queue = qu.queue_id;
    if not found then
        raise exception 'consumer not registered';
    end if;

    v_id := x_ev_id;
    if v_id is null then
        v_id := nextval(s.queue_event_seq::regclass);
    end if;

    insert into pgq.retry_queue (ev_retry_after, ev_queue, ev_id, ev_time, ev_owner, ev_retry,
                                 ev_type, ev_data, ev_extra1, ev_extra2, ev_extra3, ev_extra4)
    values (x_retry_after, s.sub_queue, v_id, x_ev_time, s.sub_id, x_ev_retry,
            x_ev_type, x_ev_data, x_ev_extra1, x_ev_extra2, x_ev_extra3, x_ev_extra4);
    return v_id;
end;
$$;
