-- pgq._trg_json_row(relid, row, ignore list): internal helper of pgq.jsontriga().
-- Renders a row as jsontriga data: a JSON object with the columns in column order. bool,
-- int2/4/8, timestamp/timestamptz/date and the other "json_safe" types (see pgq._trg_columns)
-- are taken from row_to_json(); every other type becomes a JSON string of its text output
-- (float, numeric, json, jsonb, arrays, composites, domains, ...); NULL is null. Ignored and
-- _pgq_ev_* columns are left out. pgq.jsontriga() itself uses plain row_to_json() when the
-- table has only json_safe columns and no ignore list; this is the general path.
create or replace function pgq._trg_json_row(i_relid oid, i_row anyelement, i_ignore text[])
returns text
language sql stable
as $$
    select '{' || coalesce(
                      pg_catalog.string_agg(
                          pg_catalog.to_json(c.attname)::text || ':'
                              || case
                                     when f.val is null then 'null'
                                     when c.json_safe then j.value::text
                                     else pg_catalog.to_json(f.val)::text
                                 end,
                          ',' order by c.pos),
                      '') || '}'
      from pgq._trg_columns(i_relid) c
      join pgq._trg_row_fields(i_row::text) f on f.pos = c.pos
      join pg_catalog.json_each(pg_catalog.row_to_json(i_row)) with ordinality as j(key, value, pos)
        on j.pos = c.pos
     where not c.is_magic
       and (i_ignore is null or c.attname <> all (i_ignore));
$$;
