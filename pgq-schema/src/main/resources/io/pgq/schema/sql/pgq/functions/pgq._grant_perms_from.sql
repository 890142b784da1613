-- pgq._grant_perms_from(src_schema, src_table, dst_schema, dst_table):
-- replays the table privileges of the source onto the destination
-- (PUBLIC grantee handled, WITH GRANT OPTION preserved).  Returns 1.
create or replace function pgq._grant_perms_from(src_schema text, src_table text, dst_schema text, dst_table text)
returns integer
language plpgsql strict
as $$
declare
    r       record;
    v_to    text;
begin
    for r in
        select tp.grantee, tp.privilege_type, tp.is_grantable
          from information_schema.table_privileges tp
         where tp.table_schema = src_schema
           and tp.table_name = src_table
    loop
        if r.grantee = 'PUBLIC' then
            v_to := 'public';
        else
            v_to := pg_catalog.quote_ident(r.grantee);
        end if;
        execute pg_catalog.format('grant %s on %I.%I to %s%s',
                                  r.privilege_type, dst_schema, dst_table, v_to,
                                  case when r.is_grantable = 'YES' then ' with grant option' else '' end);
    end loop;
    return 1;
end;
$$;
