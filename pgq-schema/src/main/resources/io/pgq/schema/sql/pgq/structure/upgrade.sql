-- The insert buffer of pgq-java schema revisions 2 and 3 (transaction settings that a
-- session could rewrite, written by a SECURITY DEFINER commit trigger) and the 3-argument
-- insert_event's helper of that time: gone since revision 4 (docs/design/insert-path.md).
-- Its per-bucket writers go in pgq._generate_insert_static.
drop table if exists pgq.insert_buffer;
drop trigger if exists queue_insert_cache_reset on pgq.queue;
drop function if exists pgq._queue_changed();
drop function if exists pgq._insert_buffer_commit();
drop function if exists pgq._insert_buffer_spill(int8);
drop function if exists pgq._insert_buffer_disarm();
drop function if exists pgq._insert_buffer_arm(text, int8, name, text, text, text, text, text, text);
drop function if exists pgq._insert_buffer_append(text, text, text, text, text, text);
drop function if exists pgq._insert_buffer_clear();
drop function if exists pgq._insert_buffer_write();
drop function if exists pgq._insert_buffer_rows3(text);
drop function if exists pgq._insert_buffer_rows(text);
drop function if exists pgq._insert_event(text, text, text, text, text, text, text, name);

-- Helpers of the triggers' fast path up to revision 5, written out in pgq._trg_fast since
-- revision 6 (a call per row cost more than their statements; docs/design/trigger-cache.md).
drop function if exists pgq._trg_jsonb_values(anyelement);
drop function if exists pgq._trg_sql_update_values(text[], text[], text[], text[], anyelement, anyelement);

-- pgq_topic.next_batch_events got the result column first_chunk in revision 8 and caught_up in
-- revision 10; a function's result columns change only by dropping it (pgq_topic's files create
-- it again, grants after).
drop function if exists pgq_topic.next_batch_events(text, text, int4, int8, int4);

-- Revision 15: pgq._open_batch can finish the open batch first and says whether the batch ends
-- at the newest tick; pgq._next_batch_read replaces pgq._next_batch_sql, whose dynamic SQL was
-- planned again for every batch (pgq._batch_first_chunk prepares it once per table).
drop function if exists pgq._open_batch(text, text, interval, int4, interval);
drop function if exists pgq._next_batch_sql(text, text);

-- Revision 16: pgq.insert_event keeps a cached slot per queue (setting pgq.sc_<k>) where it kept
-- one per session (pgq.sc_name, sc_slot, sc_layout, sc_mac); its signature covers one entry.
drop function if exists pgq._insert_cache_mac_expr();

-- Idempotent fix-ups, roles, generated insert functions (see pgq.upgrade_schema).
-- Must run before grants.sql, which needs the roles.
do $$
begin
    perform pgq.upgrade_schema();
end;
$$;
