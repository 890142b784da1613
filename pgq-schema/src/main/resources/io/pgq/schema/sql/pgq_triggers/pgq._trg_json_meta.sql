-- pgq._trg_json_meta(relid): internal helper of pgq.jsontriga(). What the jsontriga fast path
-- needs to know about a table, as a text array (kept in a session setting, see
-- pgq._trg_ddl_watch):
--   [1] NULL (the caller stores its cache key here)
--   [2] how to render a row: 'r' = row_to_json() as is (every column of a type that
--       row_to_json() already encodes like the reference: bool, int2/4/8, text types, name,
--       "char", bytea, oid, uuid, date, time, timetz, timestamp, timestamptz, interval, enums);
--       'q' = the same, plus numeric/float4/float8 columns whose JSON number must become a
--       JSON string (done by the regular expression [4]); 'g' = anything else (domains,
--       arrays, composites, json, jsonb, other types, _pgq_ev_* columns): general path
--   [3] the primary key columns as a JSON array in key order, e.g. ["id"]
--   [4] for 'q': a regular expression matching '"col":<number>' of those columns
--   [5..] the primary key column names
create or replace function pgq._trg_json_meta(i_relid oid)
returns text[]
language sql stable
as $$
    with cols as (
        select a.attname::text as name,
               a.attname in ('_pgq_ev_type', '_pgq_ev_data', '_pgq_ev_extra1', '_pgq_ev_extra2',
                             '_pgq_ev_extra3', '_pgq_ev_extra4') as is_magic,
               a.atttypid = any ('{16,20,21,23,25,26,17,18,19,1042,1043,1082,1083,1114,1184,1266,2950,1186}'::oid[])
                   or t.typtype = 'e' as is_safe,
               a.atttypid = any ('{700,701,1700}'::oid[]) as is_number
          from pg_catalog.pg_attribute a
          join pg_catalog.pg_type t on t.oid = a.atttypid
         where a.attrelid = i_relid
           and a.attnum > 0
           and not a.attisdropped),
    pk as (select pgq._trg_pkey(i_relid) as names)
    select array[null,
                 case
                     when (select pg_catalog.bool_or(c.is_magic or not (c.is_safe or c.is_number)) from cols c) then 'g'
                     when (select pg_catalog.bool_or(c.is_number) from cols c) then 'q'
                     else 'r'
                 end,
                 (select pg_catalog.array_to_json(pk.names)::text from pk),
                 (select '([{,](?:'
                         || pg_catalog.string_agg(pg_catalog.regexp_replace(pg_catalog.to_json(c.name)::text,
                                                                            '([\\^$.|?*+()\[\]{}])', '\\\1', 'g'),
                                                  '|')
                         || '):)(-?[0-9][-+.0-9eE]*)'
                    from cols c
                   where c.is_number)]
           || (select pk.names from pk);
$$;
