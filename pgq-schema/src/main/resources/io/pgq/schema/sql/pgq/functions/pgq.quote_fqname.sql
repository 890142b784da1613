-- pgq.quote_fqname(name): 'schema.name' with both parts quote_ident-ed.
-- Split at the first dot; a name without a dot is taken to be in schema public.
create or replace function pgq.quote_fqname(i_name text)
returns text
language plpgsql strict immutable
as $$
declare
    v_pos   integer;
begin
    v_pos := pg_catalog.strpos(i_name, '.');
    if v_pos > 0 then
        return pg_catalog.quote_ident(pg_catalog.substr(i_name, 1, v_pos - 1))
            || '.' || pg_catalog.quote_ident(pg_catalog.substr(i_name, v_pos + 1));
    end if;
    return 'public.' || pg_catalog.quote_ident(i_name);
end;
$$;
