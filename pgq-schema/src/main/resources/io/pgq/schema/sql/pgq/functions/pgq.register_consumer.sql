-- pgq.register_consumer(queue, consumer): subscribe at the newest tick.
-- Returns 1 for a new subscription, 0 when already subscribed.
create or replace function pgq.register_consumer(x_queue_name text, x_consumer_id text)
returns integer
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
begin
    return pgq.register_consumer_at(x_queue_name, x_consumer_id, null);
end;
$$;
