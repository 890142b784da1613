-- pgq.insert_event(queue, type, data, extra1..4): the producer API (writers have no
-- INSERT privilege on event tables, hence SECURITY DEFINER).  The triggers call this one.
-- Same as insert_event_raw(queue, NULL, now(), NULL, NULL, type, data, extra1..4), without
-- its call level: the cached slot of a queue this transaction already inserted into (see
-- insert_event_raw), else the checked path.  One statement on purpose: in a volatile
-- PL/pgSQL function every statement takes a snapshot, and each one costs a set-up in every
-- new transaction.
CREATE OR REPLACE FUNCTION pgq.insert_event(
    queue_name text, ev_type text, ev_data text,
    ev_extra1 text, ev_extra2 text, ev_extra3 text, ev_extra4 text)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
begin
    -- one expression; COALESCE evaluates the checked path only when the cached slot of a
    -- queue this transaction already inserted into did not serve the insert
    return coalesce(
        case when current_setting('pgq.insert_cache_name', true) = '#' || queue_name
             then pgq._insert_event_static(current_setting('pgq.insert_cache_slot')::int8,
                      null, now(), null, null, ev_type, ev_data, ev_extra1, ev_extra2, ev_extra3, ev_extra4, false)
        end,
        pgq._insert_event_slow(queue_name,
                      null, now(), null, null, ev_type, ev_data, ev_extra1, ev_extra2, ev_extra3, ev_extra4));
end;
$$;

-- pgq.insert_event(queue, type, data): insert an event with NULL extra fields.
-- Not SECURITY DEFINER (reference): for a queue this transaction already inserted into it
-- calls the generated SECURITY DEFINER writers' fast path pgq._insert_event_fast directly
-- (one level less per event); otherwise, or when that does not serve the slot, the
-- 7-argument insert_event.  It runs with the caller's search_path, so the operators are
-- qualified too (a shadowing "=" could only break the caller's own inserts anyway).
CREATE OR REPLACE FUNCTION pgq.insert_event(queue_name text, ev_type text, ev_data text)
RETURNS bigint
LANGUAGE plpgsql
AS $$
begin
    return coalesce(
        case when pg_catalog.current_setting('pgq.insert_cache_name', true)
                  operator(pg_catalog.=) ('#' operator(pg_catalog.||) queue_name)
             then pgq._insert_event_fast(pg_catalog.current_setting('pgq.insert_cache_slot')::pg_catalog.int8,
                                         ev_type, ev_data, null, null, null, null)
        end,
        pgq.insert_event(queue_name, ev_type, ev_data, null, null, null, null));
end;
$$;
