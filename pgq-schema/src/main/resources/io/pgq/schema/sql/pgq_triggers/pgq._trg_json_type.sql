-- pgq._trg_json_type(op, schema, table, pkey columns): internal helper of pgq.jsontriga().
-- The jsontriga ev_type: {"op":"INSERT","table":["schema","table"],"pkey":["col",...]}
create or replace function pgq._trg_json_type(i_op text, i_schema text, i_table text, i_pkeys text[])
returns text
language sql immutable parallel safe
as $$
    select '{"op":' || pg_catalog.to_json(i_op)::text
           || ',"table":[' || pg_catalog.to_json(i_schema)::text || ',' || pg_catalog.to_json(i_table)::text
           || '],"pkey":' || pg_catalog.array_to_json(coalesce(i_pkeys, '{}'))::text || '}';
$$;
