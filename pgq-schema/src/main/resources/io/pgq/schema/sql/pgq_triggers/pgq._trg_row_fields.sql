-- pgq._trg_row_fields(text): internal helper of the pgq triggers.
-- Splits the text form of a row value, e.g. '(1,"a b",)', into its fields: one row per
-- column (pos = 1..n in column order, dropped columns are not part of a row's text) with the
-- column's text output, or NULL for a NULL column. This gives every column's text output with
-- one call of the row's output function instead of dynamic SQL per column.
-- Fields are either quoted ("..." with "" and \x escapes) or unquoted (never empty: an empty
-- string is always quoted, an unquoted empty field is NULL).
create or replace function pgq._trg_row_fields(i_row text)
returns table (pos bigint, val text)
language sql immutable strict parallel safe
as $$
    select m.ord,
           case
               when m.f[1] = '' then null
               when pg_catalog.left(m.f[1], 1) = '"'
                   then pg_catalog.regexp_replace(pg_catalog.substr(m.f[1], 2, pg_catalog.length(m.f[1]) - 2),
                                                  '[\\"](.)', '\1', 'g')
               else m.f[1]
           end
      from pg_catalog.regexp_matches(',' || pg_catalog.substr(i_row, 2, pg_catalog.length(i_row) - 2),
                                     ',("(?:[^"\\]|\\.|"")*"|[^,"]*)', 'g') with ordinality as m(f, ord);
$$;
