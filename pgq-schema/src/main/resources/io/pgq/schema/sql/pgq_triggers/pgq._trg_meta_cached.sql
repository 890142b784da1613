-- pgq._trg_meta_cached(relid, kind): internal helper of the pgq triggers. The table's metadata
-- for the triggers' fast paths: kind 'r' gives pgq._trg_meta(relid), kind 'j' gives
-- pgq._trg_json_meta(relid). Kept in the session setting pgq.trg_<kind><relid>, stamped with
-- the DDL counter (pgq._trg_ddl_watch); a stored value is used only while
--   * the counter still has the value it was stored with (no DDL ran since), and
--   * the trigger runs as the role the session itself acts as (current_user is the SET ROLE
--     role, or the session user when no role is set): then whoever could have written the
--     setting is the role that writes the event, and could have sent any event it likes with
--     pgq.insert_event() directly. Inside a SECURITY DEFINER function, or any other change of
--     identity, the setting is not trusted and the catalogs are read.
-- See docs/design/trigger-cache.md. Without the event trigger (installed without a superuser)
-- the counter is NULL and every call reads the catalogs.
create or replace function pgq._trg_meta_cached(i_relid oid, i_kind text)
returns text[]
language plpgsql
as $$
declare
    v_key text;
    v_name text;
    v_meta text[];
begin
    -- a hit in two statements (each statement costs per row): the stored entry, read only
    -- when current_user is the role the session acts as, whose stamp is the counter's value
    v_meta := case when current_user = case pg_catalog.current_setting('role')
                                           when 'none' then session_user
                                           else pg_catalog.current_setting('role') end
                   then nullif(pg_catalog.current_setting('pgq.trg_' || i_kind || i_relid::text, true), '')::text[] end;
    v_key := pg_catalog.pg_sequence_last_value('pgq._trg_ddl_seq'::pg_catalog.regclass)::text
             || coalesce(pg_catalog.current_setting('pgq.trg_ddl_local', true), '');
    if v_meta[1] = v_key then
        return v_meta;
    end if;
    if i_kind = 'j' then
        v_meta := pgq._trg_json_meta(i_relid);
    else
        v_meta := pgq._trg_meta(i_relid);
    end if;
    if v_key is not null then
        v_meta[1] := v_key;
        v_name := 'pgq.trg_' || i_kind || i_relid::text;
        perform pg_catalog.set_config(v_name, v_meta::text, false);
    end if;
    return v_meta;
end;
$$;
