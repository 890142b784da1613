-- pgq._trg_jsonb_values(row): internal helper of the triggers' fast path. The row's values as
-- a text array in the key order of to_jsonb(row) (keys by length in bytes, then bytewise; see
-- pgq._trg_meta [6..12]): jsonb_path_query_array(to_jsonb(row), '$.*') read as an array
-- literal, which its JSON text is unless a string holds an escape other than \" and \\
-- (control characters): then NULL. A value is its text output, a NULL is NULL, except
-- booleans (true/false), dates and timestamps (ISO 8601) whose text pgq._trg_text() gives.
create or replace function pgq._trg_jsonb_values(i_row anyelement)
returns text[]
language plpgsql stable
as $$
declare
    v_json text := pg_catalog.jsonb_path_query_array(pg_catalog.to_jsonb(i_row), '$.*')::text;
begin
    if pg_catalog.strpos(v_json, '\') > 0 and v_json ~ '\\[bfnrtu]' then
        return null;
    end if;
    return ('{' || pg_catalog.substr(v_json, 2, pg_catalog.length(v_json) - 2) || '}')::text[];
end;
$$;
