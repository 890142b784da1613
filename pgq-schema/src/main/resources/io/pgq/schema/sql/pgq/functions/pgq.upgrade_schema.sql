-- pgq.upgrade_schema(): idempotent schema fix-ups, run by every install.
--   * sub_last_tick nullable (cooperative subconsumers);
--   * roles pgq_reader, pgq_writer, pgq_admin (member of both) created if missing;
--   * queue.queue_extra_maint added if missing;
--   * (pgq-java) the generated insert functions checked and regenerated where they differ
--     (pgq._generate_insert_static);
--   * (pgq-java) no USAGE on the queues' event sequences for pgq_writer (schema revisions 2
--     and 3 granted it; writers take ids only through pgq.insert_event).
-- Always returns 0.
create or replace function pgq.upgrade_schema()
returns int4
language plpgsql
as $$
declare
    v_seq   text;
begin
    if exists (select 1 from pg_catalog.pg_attribute
                where attrelid = 'pgq.subscription'::pg_catalog.regclass
                  and attname = 'sub_last_tick' and attnotnull) then
        alter table pgq.subscription alter column sub_last_tick drop not null;
    end if;

    perform pgq._create_role('pgq_reader', null);
    perform pgq._create_role('pgq_writer', null);
    perform pgq._create_role('pgq_admin', 'in role pgq_reader, pgq_writer');

    if not exists (select 1 from pg_catalog.pg_attribute
                    where attrelid = 'pgq.queue'::pg_catalog.regclass
                      and attname = 'queue_extra_maint' and not attisdropped) then
        alter table pgq.queue add column queue_extra_maint text[];
    end if;

    perform pgq._generate_insert_static();

    for v_seq in
        select q.queue_event_seq from pgq.queue q
         where pg_catalog.has_sequence_privilege('pgq_writer', q.queue_event_seq, 'USAGE')
    loop
        execute 'revoke usage on ' || pgq.quote_fqname(v_seq) || ' from pgq_writer';
    end loop;
    return 0;
end;
$$;

-- Creates a cluster-wide role unless it exists; tolerates a concurrent creator
-- (several databases of one cluster may be installed at the same time).
create or replace function pgq._create_role(i_role_name text, i_options text)
returns void
language plpgsql
as $$
begin
    if exists (select 1 from pg_catalog.pg_roles where rolname = i_role_name) then
        return;
    end if;
    execute pg_catalog.format('create role %I %s', i_role_name, coalesce(i_options, ''));
exception
    when duplicate_object or unique_violation then
        null;
end;
$$;
