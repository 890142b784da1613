-- pgq.logutriga(): change-capture trigger sending one event per row change (and one per TRUNCATE)
-- to the queue named by the first trigger argument, as URL-encoded rows: ev_type 'I:pk1,pk2' / 'U:..' / 'D:..' / 'R' (truncate),
-- ev_data 'col=value&col2=value' (NULL as bare name), ev_extra1 'schema.table'.
-- Use: create trigger ... after insert or update or delete on tbl for each row
--          execute procedure pgq.logutriga('queue' [, 'SKIP' | 'backup' | 'deny' | 'ignore=c1,c2' |
--          'pkey=c1,c2' | 'when=EXPR' | 'ev_type=EXPR' | 'ev_data=EXPR' | 'ev_extra1=EXPR' ...]);
--      create trigger ... after truncate on tbl for each statement execute procedure pgq.logutriga('queue');
-- The work is done by pgq._trg_fast() where it can (cached table metadata, see
-- pgq._trg_meta_cached), else by pgq._trg_event(); see there for the rules.
create or replace function pgq.logutriga()
returns trigger
language plpgsql
as $$
declare
    v_skip boolean;
begin
    if TG_LEVEL = 'ROW' and TG_NARGS > 0
       and pg_catalog.current_setting('session_replication_role') <> 'local' then
        v_skip := pgq._trg_fast('logutriga', TG_WHEN, TG_OP, TG_TABLE_SCHEMA, TG_TABLE_NAME, TG_ARGV,
                                pgq._trg_meta_cached(TG_RELID, 'r'), NEW, OLD);
    end if;
    if v_skip is null then
        v_skip := pgq._trg_event('logutriga', TG_WHEN, TG_LEVEL, TG_OP, TG_RELID, TG_TABLE_SCHEMA, TG_TABLE_NAME,
                                 TG_ARGV, NEW, OLD);
    end if;
    if v_skip then
        return null;  -- SKIP
    elsif TG_WHEN <> 'BEFORE' or TG_LEVEL <> 'ROW' then
        return null;
    elsif TG_OP = 'DELETE' then
        return OLD;
    end if;
    return NEW;
end;
$$;
