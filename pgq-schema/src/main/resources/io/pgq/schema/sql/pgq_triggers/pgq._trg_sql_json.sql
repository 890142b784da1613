-- pgq._trg_sql_json(op, kinds, new row as json, old row as json, ignore list, key columns,
-- changed columns): internal helper of the triggers' fast path. pgq._trg_sql_data() for rows
-- given as row_to_json(row), with the column kinds of pgq._trg_meta ([3]):
--   INSERT  (col1,col2) values ('1',null)
--   UPDATE  col='new',col2=NULL where pk='x' and pk2='y'   (only changed columns; with no
--           changed column the key columns are "set" to their values)
--   DELETE  pk='x' and pk2='y'
-- Key columns appear in the WHERE part in column order; a NULL key value is an error.
-- (json_each_text()/json_each() return the columns in order: the aggregates need no sort)
create or replace function pgq._trg_sql_json(
    i_op text, i_kinds text, i_new json, i_old json, i_ignore text[], i_pkeys text[], i_changed text[])
returns text
language plpgsql stable
as $$
declare
    v_where text;
    v_null_key boolean;
    v_set text;
begin
    if i_op = 'INSERT' then
        return (select '(' || pg_catalog.string_agg(pg_catalog.quote_ident(j.key), ',')
                       || ') values ('
                       || pg_catalog.string_agg(coalesce(pg_catalog.quote_literal(
                                                    pgq._trg_text(pg_catalog.substr(i_kinds, j.ord::int, 1), j.value)), 'null'),
                                                ',')
                       || ')'
                  from pg_catalog.json_each_text(i_new) with ordinality as j(key, value, ord)
                 where i_ignore is null or j.key <> all (i_ignore));
    end if;

    select pg_catalog.string_agg(pg_catalog.quote_ident(j.key) || '='
                                     || pg_catalog.quote_literal(pgq._trg_text(pg_catalog.substr(i_kinds, j.ord::int, 1), j.value)),
                                 ' and '),
           pg_catalog.bool_or(j.value is null)
      into v_where, v_null_key
      from pg_catalog.json_each_text(i_old) with ordinality as j(key, value, ord)
     where j.key = any (i_pkeys);
    if v_null_key then
        raise exception 'logtriga: Unexpected NULL key value';
    end if;
    if i_op = 'DELETE' then
        return coalesce(v_where, '');
    end if;

    select pg_catalog.string_agg(pg_catalog.quote_ident(j.key) || '='
                                     || coalesce(pg_catalog.quote_literal(
                                            pgq._trg_text(pg_catalog.substr(i_kinds, j.ord::int, 1), j.value)), 'NULL'),
                                 ',')
      into v_set
      from pg_catalog.json_each_text(i_new) with ordinality as j(key, value, ord)
     where case when pg_catalog.cardinality(i_changed) > 0
                then j.key = any (i_changed)
                else j.key = any (i_pkeys) end;
    return coalesce(v_set, '') || ' where ' || coalesce(v_where, '');
end;
$$;
