-- pgq._trg_columns(oid): internal helper of the pgq triggers.
-- The live (not dropped) columns of a table in column order, with what the triggers need to know:
--   pos        1..n, the column's position in the row's text and JSON forms
--   is_magic   one of the override columns _pgq_ev_type, _pgq_ev_data, _pgq_ev_extra1..4
--              (they set event fields and are never part of the event data)
--   exact_eq   equal text output <=> equal by the type's "=" (no need to ask the operator)
--   json_safe  row_to_json() already encodes the column the way jsontriga must:
--              bool as true/false, int2/4/8 as numbers, timestamp/timestamptz/date in ISO
--              form, all other listed types as a JSON string of their text output. Domains,
--              arrays, composites, float4/8, numeric, json, jsonb and unlisted types are not:
--              jsontriga renders them as a JSON string of their text output itself.
-- Nothing is cached: the catalog is read on every call, so ALTER TABLE is seen at once.
create or replace function pgq._trg_columns(i_relid oid)
returns table (pos bigint, attname text, atttypid oid, is_magic boolean, exact_eq boolean, json_safe boolean)
language sql stable parallel safe
as $$
    select pg_catalog.row_number() over (order by a.attnum),
           a.attname::text,
           a.atttypid,
           a.attname in ('_pgq_ev_type', '_pgq_ev_data', '_pgq_ev_extra1', '_pgq_ev_extra2',
                         '_pgq_ev_extra3', '_pgq_ev_extra4'),
           -- bool int8 int2 int4 text oid bytea "char" name bpchar varchar date time timestamp
           -- timestamptz timetz uuid jsonb, and enums
           a.atttypid = any ('{16,20,21,23,25,26,17,18,19,1042,1043,1082,1083,1114,1184,1266,2950,3802}'::oid[])
               or t.typtype = 'e',
           -- the same without jsonb, plus interval
           a.atttypid = any ('{16,20,21,23,25,26,17,18,19,1042,1043,1082,1083,1114,1184,1266,2950,1186}'::oid[])
               or t.typtype = 'e'
      from pg_catalog.pg_attribute a
      join pg_catalog.pg_type t on t.oid = a.atttypid
     where a.attrelid = i_relid
       and a.attnum > 0
       and not a.attisdropped;
$$;
