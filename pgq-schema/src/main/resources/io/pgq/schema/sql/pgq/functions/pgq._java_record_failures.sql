-- pgq._java_record_failures(batch, queue, consumer, ev_ids, attempts, errors) (pgq-java):
-- keeps the error of each failed attempt of the batch's events, for the consumer (or group)
-- that holds the open batch, at most 10 per event (the newest) and none older than 30 days.
-- Errors are cut to 2000 characters.  Returns the number of rows written.
create or replace function pgq._java_record_failures(
    i_batch_id bigint, i_queue_name text, i_consumer_name text,
    i_ev_ids bigint[], i_attempts int4[], i_errors text[])
returns int4
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    s       record;
    v_count int4;
begin
    s := pgq._java_failure_owner(i_batch_id, i_queue_name, i_consumer_name);
    insert into pgq.event_failure (ef_queue, ef_consumer, ef_event, ef_attempt, ef_error)
    select s.sub_queue, s.sub_consumer, x.id, x.attempt, left(x.error, 2000)
      from unnest(i_ev_ids, i_attempts, i_errors) as x(id, attempt, error)
        on conflict (ef_queue, ef_consumer, ef_event, ef_attempt)
        do update set ef_time = excluded.ef_time, ef_error = excluded.ef_error;
    get diagnostics v_count = row_count;
    delete from pgq.event_failure f
     using unnest(i_ev_ids, i_attempts) as x(id, attempt)
     where f.ef_queue = s.sub_queue and f.ef_consumer = s.sub_consumer
       and f.ef_event = x.id and f.ef_attempt <= x.attempt - 10;
    delete from pgq.event_failure f
     where f.ef_queue = s.sub_queue and f.ef_consumer = s.sub_consumer
       and f.ef_time < pg_catalog.now() - interval '30 days';
    return v_count;
end;
$$;
