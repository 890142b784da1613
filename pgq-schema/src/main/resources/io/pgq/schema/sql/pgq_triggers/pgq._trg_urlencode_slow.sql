-- pgq._trg_urlencode_slow(text): internal helper of pgq._trg_urlencode(), for values with
-- characters outside printable ASCII: kept bytes stay, space becomes '+', every other byte
-- (of the database encoding) becomes '%xx' in lower case. The value is cut into runs of kept
-- bytes, each followed by at most one other character, so the work grows with the number of
-- characters to encode.
create or replace function pgq._trg_urlencode_slow(i_value text)
returns text
language plpgsql immutable strict parallel safe
as $$
begin
    return (select pg_catalog.string_agg(
                       r.m[1] || case
                                     when r.m[2] = '' then ''
                                     when r.m[2] = ' ' then '+'
                                     else pg_catalog.regexp_replace(
                                              pg_catalog.encode(pg_catalog.convert_to(r.m[2], pg_catalog.getdatabaseencoding()), 'hex'),
                                              '(..)', '%\1', 'g')
                                 end,
                       '' order by r.ord)
              from pg_catalog.regexp_matches(i_value, '([-_.a-zA-Z0-9]*)([^-_.a-zA-Z0-9]?)', 'g') with ordinality as r(m, ord));
end;
$$;
