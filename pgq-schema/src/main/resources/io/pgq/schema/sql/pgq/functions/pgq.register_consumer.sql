-- pgq.register_consumer(queue, consumer): subscribe at the newest tick.
-- Returns 1 for a new subscription, 0 when already subscribed.
CREATE OR REPLACE FUNCTION pgq.register_consumer(x_queue_name text, x_consumer_id text)
RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
begin
    return pgq.register_consumer_at(x_queue_name, x_consumer_id, null);
end;
$$;
