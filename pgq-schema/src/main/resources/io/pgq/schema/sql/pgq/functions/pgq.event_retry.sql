-- pgq.event_retry(batch, event, retry_time): schedules one event of an open batch for
-- re-delivery to this subscription at retry_time (ev_retry + 1, new txid on re-insert).
-- Returns 1, or 0 when the event is already queued for retry.
create or replace function pgq.event_retry(x_batch_id bigint, x_event_id bigint, x_retry_time timestamptz)
returns integer
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    v_sub   record;
    v_ev    record;
begin
    select sub_queue, sub_id into v_sub
      from pgq.subscription
     where sub_batch = x_batch_id;
    if not found then
        raise exception 'event not found';
    end if;
    -- read only the wanted event, with exactly the batch's visibility rules
    execute 'select * from (' || pgq.batch_event_sql(x_batch_id) || ') b where b.ev_id = $1 limit 1'
       into v_ev
      using x_event_id;
    if v_ev.ev_id is null then  -- (EXECUTE does not set FOUND)
        raise exception 'event not found';
    end if;

    begin
        insert into pgq.retry_queue (ev_retry_after, ev_queue, ev_id, ev_time, ev_txid, ev_owner,
                                     ev_retry, ev_type, ev_data, ev_extra1, ev_extra2, ev_extra3, ev_extra4)
        values (x_retry_time, v_sub.sub_queue, v_ev.ev_id, v_ev.ev_time, null, v_sub.sub_id,
                coalesce(v_ev.ev_retry, 0) + 1, v_ev.ev_type, v_ev.ev_data,
                v_ev.ev_extra1, v_ev.ev_extra2, v_ev.ev_extra3, v_ev.ev_extra4);
    exception
        when unique_violation then
            return 0;
    end;
    return 1;
end;
$$;

-- pgq.event_retry(batch, event, seconds): retry after this many seconds.
create or replace function pgq.event_retry(x_batch_id bigint, x_event_id bigint, x_retry_seconds integer)
returns integer
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
begin
    return pgq.event_retry(x_batch_id, x_event_id,
                           current_timestamp + make_interval(secs => x_retry_seconds));
end;
$$;
