-- The insert buffer of pgq-java schema revisions 2 and 3 (transaction settings that a
-- session could rewrite, written by a SECURITY DEFINER commit trigger) and the 3-argument
-- insert_event's helper of that time: gone since revision 4 (docs/design/insert-path.md).
-- Its per-bucket writers go in pgq._generate_insert_static.
DROP TABLE IF EXISTS pgq.insert_buffer;
DROP TRIGGER IF EXISTS queue_insert_cache_reset ON pgq.queue;
DROP FUNCTION IF EXISTS pgq._queue_changed();
DROP FUNCTION IF EXISTS pgq._insert_buffer_commit();
DROP FUNCTION IF EXISTS pgq._insert_buffer_spill(int8);
DROP FUNCTION IF EXISTS pgq._insert_buffer_disarm();
DROP FUNCTION IF EXISTS pgq._insert_buffer_arm(text, int8, name, text, text, text, text, text, text);
DROP FUNCTION IF EXISTS pgq._insert_buffer_append(text, text, text, text, text, text);
DROP FUNCTION IF EXISTS pgq._insert_buffer_clear();
DROP FUNCTION IF EXISTS pgq._insert_buffer_write();
DROP FUNCTION IF EXISTS pgq._insert_buffer_rows3(text);
DROP FUNCTION IF EXISTS pgq._insert_buffer_rows(text);
DROP FUNCTION IF EXISTS pgq._insert_event(text, text, text, text, text, text, text, name);

-- Idempotent fix-ups, roles, generated insert functions (see pgq.upgrade_schema).
-- Must run before grants.sql, which needs the roles.
DO $$
begin
    perform pgq.upgrade_schema();
end;
$$;
