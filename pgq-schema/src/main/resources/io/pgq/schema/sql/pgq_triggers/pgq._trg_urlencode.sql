-- pgq._trg_urlencode(text): internal helper of pgq.logutriga() and pgq.sqltriga().
-- URL-encodes a value the way the reference triggers do: bytes in [-_.a-zA-Z0-9] are kept,
-- space becomes '+', every other byte (of the database encoding) becomes '%xx' in lower case.
-- NULL gives NULL. A single expression, so that the planner can inline it into the calling
-- query: printable ASCII by pgq._trg_urlencode_ascii(), values with other characters
-- (non-ASCII, control characters) by pgq._trg_urlencode_slow().
create or replace function pgq._trg_urlencode(i_value text)
returns text
language sql immutable parallel safe
as $$
    select case
        when i_value operator(pg_catalog.~) '^[-_.a-zA-Z0-9]*$' then i_value
        when i_value operator(pg_catalog.~) '^[ -~]*$' then pgq._trg_urlencode_ascii(i_value)
        else pgq._trg_urlencode_slow(i_value)
    end;
$$;
