-- pgq._trg_sql_data(...): internal helper of pgq.sqltriga(). Builds the SQL fragment of the
-- event data, values as SQL literals (quote_literal, so E'...' when there are backslashes):
--   INSERT  (col1,col2) values ('1',null)
--   UPDATE  col='new',col2=NULL where pk='x' and pk2='y'   (only changed columns; with no
--           changed column the key columns are "set" to their values)
--   DELETE  pk='x' and pk2='y'
-- Key columns appear in the WHERE part in column order; a NULL key value is an error.
create or replace function pgq._trg_sql_data(
    i_op text, i_relid oid, i_new text, i_old text, i_ignore text[], i_pkeys text[], i_changed text[])
returns text
language plpgsql stable
as $$
declare
    v_where text;
    v_null_key boolean;
    v_set text;
begin
    if i_op = 'INSERT' then
        return (select '(' || pg_catalog.string_agg(pg_catalog.quote_ident(c.attname), ',' order by c.pos)
                       || ') values ('
                       || pg_catalog.string_agg(coalesce(pg_catalog.quote_literal(f.val), 'null'), ','
                                                order by c.pos)
                       || ')'
                  from pgq._trg_columns(i_relid) c
                  join pgq._trg_row_fields(i_new) f on f.pos = c.pos
                 where not c.is_magic
                   and (i_ignore is null or c.attname <> all (i_ignore)));
    end if;

    select pg_catalog.string_agg(pg_catalog.quote_ident(c.attname) || '=' || pg_catalog.quote_literal(f.val),
                                 ' and ' order by c.pos),
           pg_catalog.bool_or(f.val is null)
      into v_where, v_null_key
      from pgq._trg_columns(i_relid) c
      join pgq._trg_row_fields(i_old) f on f.pos = c.pos
     where c.attname = any (i_pkeys);
    if v_null_key then
        raise exception 'logtriga: Unexpected NULL key value';
    end if;
    if i_op = 'DELETE' then
        return coalesce(v_where, '');
    end if;

    select pg_catalog.string_agg(pg_catalog.quote_ident(c.attname) || '='
                                     || coalesce(pg_catalog.quote_literal(f.val), 'NULL'),
                                 ',' order by c.pos)
      into v_set
      from pgq._trg_columns(i_relid) c
      join pgq._trg_row_fields(i_new) f on f.pos = c.pos
     where case when pg_catalog.cardinality(i_changed) > 0
                then c.attname = any (i_changed)
                else c.attname = any (i_pkeys) end;
    return coalesce(v_set, '') || ' where ' || coalesce(v_where, '');
end;
$$;
