-- pgq._trg_json_json(kinds, json kinds, row as json, ignore list): internal helper of the
-- triggers' fast path. pgq._trg_json_row() for a row given as row_to_json(row), with the
-- column kinds of pgq._trg_meta ([3] and [5]): a JSON object with the columns in column order,
-- each either its row_to_json() value (json kind r) or a JSON string of its text output (s);
-- NULL is null; ignored columns are left out. (PL/pgSQL keeps the query's plan for the session.)
-- (json_each_text()/json_each() return the columns in order: the aggregates need no sort)
create or replace function pgq._trg_json_json(i_kinds text, i_json_kinds text, i_row json, i_ignore text[])
returns text
language plpgsql stable
as $$
begin
    return (
        select '{' || coalesce(
                          pg_catalog.string_agg(
                              pg_catalog.to_json(j.key)::text || ':'
                                  || case
                                         when j.value::text = 'null' then 'null'
                                         when pg_catalog.substr(i_json_kinds, j.ord::int, 1) = 'r' then j.value::text
                                         else pg_catalog.to_json(pgq._trg_text(pg_catalog.substr(i_kinds, j.ord::int, 1),
                                                                               j.value operator(pg_catalog.#>>) '{}'))::text
                                     end,
                              ','),
                          '') || '}'
          from pg_catalog.json_each(i_row) with ordinality as j(key, value, ord)
         where i_ignore is null or j.key <> all (i_ignore));
end;
$$;
