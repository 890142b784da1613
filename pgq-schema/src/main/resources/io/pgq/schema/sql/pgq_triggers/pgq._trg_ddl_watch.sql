-- Invalidation of the trigger metadata cache (see pgq._trg_meta_cached).
--
-- The triggers' fast paths keep per-table metadata (key columns, how each column is encoded)
-- in session settings instead of reading the catalogs on every row. The reference's C triggers
-- drop such caches on relcache invalidation; PL/pgSQL cannot see those, so every DDL command
-- in the database bumps the counter pgq._trg_ddl_seq through the event trigger
-- pgq_trg_ddl_watch, and a cached entry is used only while the counter still has the value it
-- was stored with. A session that may read cached metadata for a table always does so after
-- locking the table for its INSERT/UPDATE/DELETE, i.e. after any DDL on that table committed.
-- In a read-only transaction (DDL there can only touch temporary objects, which only this
-- session sees) the session setting pgq.trg_ddl_local changes instead.
--
-- Creating an event trigger needs a superuser. Without one the counter stays unset
-- (pg_sequence_last_value() is NULL) and the triggers read the catalogs on every row.
-- Do not drop or disable pgq_trg_ddl_watch while tables have pgq triggers: cached metadata
-- would then survive ALTER TABLE in sessions that are already open.
create sequence if not exists pgq._trg_ddl_seq;
grant select on sequence pgq._trg_ddl_seq to public;

create or replace function pgq._trg_ddl_watch()
returns event_trigger
language plpgsql
security definer
set search_path = pg_catalog, pg_temp
as $$
begin
    if pg_catalog.current_setting('transaction_read_only') = 'on' then
        perform pg_catalog.set_config('pgq.trg_ddl_local', pg_catalog.clock_timestamp()::text, false);
    else
        perform pg_catalog.nextval('pgq._trg_ddl_seq'::pg_catalog.regclass);
    end if;
end;
$$;

do $$
begin
    if (select r.rolsuper from pg_catalog.pg_roles r where r.rolname = current_user) then
        drop event trigger if exists pgq_trg_ddl_watch;
        create event trigger pgq_trg_ddl_watch on ddl_command_end execute function pgq._trg_ddl_watch();
        -- also when DDL runs with session_replication_role = replica
        alter event trigger pgq_trg_ddl_watch enable always;
        -- start counting: a set counter means "the event trigger is in place, caching allowed"
        perform pg_catalog.nextval('pgq._trg_ddl_seq'::pg_catalog.regclass);
    end if;
end;
$$;
