-- pgq._trg_urlenc_json(kinds, row as json, ignore list): internal helper of the triggers' fast
-- path. pgq._trg_urlenc_row() for a row given as row_to_json(row), with the column kinds of
-- pgq._trg_meta ([3]): 'col=value&col2&col3=value' in column order, names and values
-- URL-encoded, a NULL value as the bare name, ignored columns left out, '' for no column.
-- The usual row (printable ASCII, no control characters) is encoded in one piece: names and
-- values joined with the control characters 1 (for '=') and 2 (for '&'), which the encoding
-- leaves alone, encoded once, then the separators put in (row_to_json() writes control
-- characters as \u00xx escapes, so the row's JSON text tells whether a name or value holds
-- one). Other rows are encoded per value.
create or replace function pgq._trg_urlenc_json(i_kinds text, i_row json, i_ignore text[])
returns text
language plpgsql stable
as $$
declare
    v_raw text;
begin
    -- (json_each_text() returns the columns in order: no sort needed)
    select pg_catalog.string_agg(j.key || coalesce(pg_catalog.chr(1) || pgq._trg_text(pg_catalog.substr(i_kinds, j.ord::int, 1), j.value), ''),
                                 pg_catalog.chr(2))
      into v_raw
      from pg_catalog.json_each_text(i_row) with ordinality as j(key, value, ord)
     where i_ignore is null or j.key <> all (i_ignore);
    if v_raw is null then
        return '';
    elsif pg_catalog.strpos(i_row::text, '\u0001') = 0 and pg_catalog.strpos(i_row::text, '\u0002') = 0
          and v_raw ~ '^[\x01\x02 -~]*$' then
        return pg_catalog.replace(pg_catalog.replace(pgq._trg_urlencode_ascii(v_raw), pg_catalog.chr(1), '='),
                                  pg_catalog.chr(2), '&');
    end if;
    return (select pg_catalog.string_agg(pgq._trg_urlencode(j.key) || coalesce('=' || pgq._trg_urlencode(x.txt), ''),
                                         '&' order by j.ord)
              from pg_catalog.json_each_text(i_row) with ordinality as j(key, value, ord)
             cross join lateral (select pgq._trg_text(pg_catalog.substr(i_kinds, j.ord::int, 1), j.value) as txt
                                 offset 0) as x  -- (keeps pgq._trg_urlencode inlined)
             where i_ignore is null or j.key <> all (i_ignore));
end;
$$;
