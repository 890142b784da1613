-- pgq.batch_retry(batch, seconds): schedules every event of the batch that is not already
-- queued for retry (for this subscription).  Returns the number of events queued.
create or replace function pgq.batch_retry(i_batch_id bigint, i_retry_seconds integer)
returns integer
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    v_sub   record;
    v_count integer;
begin
    select sub_queue, sub_id into v_sub
      from pgq.subscription
     where sub_batch = i_batch_id;
    if not found then
        raise exception 'batch_retry: batch % not found', i_batch_id;
    end if;

    insert into pgq.retry_queue (ev_retry_after, ev_queue, ev_id, ev_time, ev_txid, ev_owner,
                                 ev_retry, ev_type, ev_data, ev_extra1, ev_extra2, ev_extra3, ev_extra4)
    select current_timestamp + make_interval(secs => i_retry_seconds), v_sub.sub_queue,
           b.ev_id, b.ev_time, null, v_sub.sub_id, coalesce(b.ev_retry, 0) + 1,
           b.ev_type, b.ev_data, b.ev_extra1, b.ev_extra2, b.ev_extra3, b.ev_extra4
      from pgq.get_batch_events(i_batch_id) b
     where not exists (select 1 from pgq.retry_queue rq
                        where rq.ev_owner = v_sub.sub_id and rq.ev_id = b.ev_id);
    get diagnostics v_count = row_count;
    return v_count;
end;
$$;
