-- Grants of the trigger functions (reference §6): EXECUTE to pgq_writer only.
-- The internal pgq._trg_* helpers keep the default EXECUTE to PUBLIC: they run as the user who
-- changes the table, whoever that is. (EXECUTE on a trigger function is checked only when the
-- trigger is created.)
revoke all on function pgq.logutriga(), pgq.sqltriga(), pgq.jsontriga() from public;
grant execute on function pgq.logutriga(), pgq.sqltriga(), pgq.jsontriga() to pgq_writer;

-- The DDL watcher is SECURITY DEFINER (it advances a sequence the DDL author may not own); it
-- runs only as an event trigger, so nobody needs EXECUTE on it.
revoke all on function pgq._trg_ddl_watch() from public;
