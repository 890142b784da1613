-- pgq._java_take_failures(batch, queue, consumer, ev_ids) (pgq-java): removes and returns the
-- kept errors of these events of the batch (handled or dead-lettered now), oldest attempt
-- first.
create or replace function pgq._java_take_failures(
    i_batch_id bigint, i_queue_name text, i_consumer_name text, i_ev_ids bigint[],
    out ev_id bigint, out attempt int4, out failed_at timestamptz, out error text)
returns setof record
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    s record;
begin
    s := pgq._java_failure_owner(i_batch_id, i_queue_name, i_consumer_name);
    return query
    with taken as (
        delete from pgq.event_failure f
         where f.ef_queue = s.sub_queue and f.ef_consumer = s.sub_consumer
           and f.ef_event = any (i_ev_ids)
        returning f.ef_event, f.ef_attempt, f.ef_time, f.ef_error)
    select t.ef_event, t.ef_attempt, t.ef_time, t.ef_error from taken t order by 1, 2;
end;
$$;
