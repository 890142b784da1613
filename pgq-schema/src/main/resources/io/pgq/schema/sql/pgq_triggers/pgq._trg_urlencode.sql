-- pgq._trg_urlencode(text): internal helper of pgq.logutriga() and pgq.sqltriga().
-- URL-encodes a value the way the reference triggers do: bytes in [-_.a-zA-Z0-9] are kept,
-- space becomes '+', every other byte (of the database encoding) becomes '%xx' in lower case.
create or replace function pgq._trg_urlencode(i_value text)
returns text
language sql immutable strict parallel safe
as $$
    select case
        when i_value ~ '^[-_.a-zA-Z0-9]*$' then i_value
        else (
            select pg_catalog.string_agg(
                       case
                           when (b.x between 48 and 57) or (b.x between 65 and 90) or (b.x between 97 and 122)
                                or b.x in (45, 46, 95) then pg_catalog.chr(b.x)
                           when b.x = 32 then '+'
                           else '%' || pg_catalog.lpad(pg_catalog.to_hex(b.x), 2, '0')
                       end, '' order by b.i)
              from (select pg_catalog.get_byte(s.bytes, g.i) as x, g.i
                      from (select pg_catalog.convert_to(i_value, pg_catalog.getdatabaseencoding()) as bytes) s,
                           pg_catalog.generate_series(0, pg_catalog.length(s.bytes) - 1) as g(i)) b)
    end;
$$;
