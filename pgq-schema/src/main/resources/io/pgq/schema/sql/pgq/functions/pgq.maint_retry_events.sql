-- pgq.maint_retry_events(): moves up to 10 due retry events back into their queues
-- (same ev_id, ev_time, owner and retry count; new txid).  Returns how many were moved;
-- callers repeat until it returns 0.  One mover at a time, inserts are not blocked.
create or replace function pgq.maint_retry_events()
returns integer
language plpgsql
as $$
declare
    r       record;
    v_count integer := 0;
begin
    lock table pgq.retry_queue in share update exclusive mode;
    for r in
        select qu.queue_name, rq.ev_id, rq.ev_time, rq.ev_owner, rq.ev_retry,
               rq.ev_type, rq.ev_data, rq.ev_extra1, rq.ev_extra2, rq.ev_extra3, rq.ev_extra4
          from pgq.retry_queue rq
          join pgq.queue qu on (qu.queue_id = rq.ev_queue)
         where rq.ev_retry_after <= current_timestamp
         order by rq.ev_retry_after
         limit 10
    loop
        perform pgq.insert_event_raw(r.queue_name, r.ev_id, r.ev_time, r.ev_owner, r.ev_retry,
                                     r.ev_type, r.ev_data, r.ev_extra1, r.ev_extra2, r.ev_extra3, r.ev_extra4);
        delete from pgq.retry_queue where ev_owner = r.ev_owner and ev_id = r.ev_id;
        v_count := v_count + 1;
    end loop;
    return v_count;
end;
$$;
