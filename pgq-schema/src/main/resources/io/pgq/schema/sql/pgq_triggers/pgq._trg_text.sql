-- pgq._trg_text(kind, value): internal helper of the pgq triggers' fast path. A column's text
-- output from its json_each_text(row_to_json(row)) value, by the column's kind from
-- pgq._trg_meta: t the value itself (row_to_json() wrote the text output), b bool (true/false
-- back to t/f), d date, s timestamp, z timestamptz (row_to_json() wrote ISO 8601; the cast
-- back gives the same value, printed with the session's DateStyle and TimeZone like the row's
-- text form). NULL stays NULL.
create or replace function pgq._trg_text(i_kind text, i_value text)
returns text
language sql stable parallel safe
as $$
    select case i_kind
               when 't' then i_value
               when 'b' then case i_value when 'true' then 't' when 'false' then 'f' end
               when 'd' then i_value::pg_catalog.date::text
               when 's' then i_value::pg_catalog.timestamp::text
               when 'z' then i_value::pg_catalog.timestamptz::text
           end;
$$;
