-- pgq._trg_meta(relid): internal helper of the pgq triggers. What the fast path of
-- pgq.logutriga(), pgq.sqltriga() and pgq.jsontriga() (pgq._trg_fast) needs to know about a
-- table, as a text array (cached per session, see pgq._trg_meta_cached):
--   [1] NULL (the cache stores its key here)
--   [2] 'f' when the fast path can render every column, 'g' when the table needs the general
--       path pgq._trg_event(): a _pgq_ev_* column, or a column whose row_to_json() form does not
--       give its text output back (arrays, composites, json, jsonb, types with a cast to json,
--       domains over domains or over those)
--   [3] one letter per column in column order: how to get the column's text output from its
--       json_each_text(row_to_json(row)) value (see pgq._trg_text): t as is, b bool,
--       d date, s timestamp, z timestamptz
--   [4] one letter per column: how an UPDATE decides that a column whose text changed is still
--       equal (see pgq._trg_fast): x never (equal text <=> equal value), n numeric, f float,
--       i interval, o ask the type's "=" (pgq._trg_values_equal)
--   [5] one letter per column: how jsontriga encodes it: r the row_to_json() value, s a JSON
--       string of the text output (the "json_safe" rule of pgq._trg_columns)
--   [6] logutriga's data as a format() string over the row's values in jsonb key order
--       (see pgq._trg_fast): 'name\x01%<position>$s' per column in column order, joined with
--       \x02; NULL when the table cannot take that way (a float column, whose jsonb form is
--       not its text output; a column name outside printable ASCII; no column)
--   [7] one letter per column in jsonb key order: the kind of [3]
--   [8] the positions (jsonb key order) of the columns whose kind is not t, as an int array
--   [9] sqltriga's INSERT data as a format() string: (c1,c2) values (%<position>$L,...)
--   [10] sqltriga's DELETE data as a format() string: pk=%<position>$L and ... (key columns
--       in column order; NULL for a table without primary key)
--   [11] the position in jsonb key order of each column, in column order, as an int array
--   [12] the column names in column order, as a text array
--   [13..] the primary key column names in key order
create or replace function pgq._trg_meta(i_relid oid)
returns text[]
language sql stable
as $$
    with cols as (
        select a.attnum,
               a.attname in ('_pgq_ev_type', '_pgq_ev_data', '_pgq_ev_extra1', '_pgq_ev_extra2',
                             '_pgq_ev_extra3', '_pgq_ev_extra4') as is_magic,
               a.atttypid,
               t.typtype = 'e' as is_enum,
               b.oid as base,
               b.typtype as base_typtype,
               b.typlen = -1 and b.typelem <> 0 as base_is_array,
               exists (select 1 from pg_catalog.pg_cast k where k.castsource = b.oid and k.casttarget = 114) as base_json_cast
          from pg_catalog.pg_attribute a
          join pg_catalog.pg_type t on t.oid = a.atttypid
          join pg_catalog.pg_type b on b.oid = case when t.typtype = 'd' then t.typbasetype else t.oid end
         where a.attrelid = i_relid
           and a.attnum > 0
           and not a.attisdropped),
    kinds as (
        select c.attnum,
               c.is_magic,
               case
                   when c.base_typtype in ('c', 'd', 'p') or c.base_is_array or c.base_json_cast
                        or c.base in (114, 3802) then 'g'
                   when c.base = 16 then 'b'
                   when c.base = 1082 then 'd'
                   when c.base = 1114 then 's'
                   when c.base = 1184 then 'z'
                   else 't'
               end as render,
               case
                   when c.atttypid = any ('{16,20,21,23,25,26,17,18,19,1042,1043,1082,1083,1114,1184,1266,2950,3802}'::oid[])
                        or c.is_enum then 'x'
                   when c.base = 1700 then 'n'
                   when c.base in (700, 701) then 'f'
                   when c.base = 1186 then 'i'
                   else 'o'
               end as eq,
               case
                   when c.atttypid = any ('{16,20,21,23,25,26,17,18,19,1042,1043,1082,1083,1114,1184,1266,2950,1186}'::oid[])
                        or c.is_enum then 'r'
                   else 's'
               end as json
          from cols c),
    -- jpos: the column's position among the keys of to_jsonb(row), which orders keys by
    -- length in bytes, then bytewise
    ordered as (
        select k.*, a.attname::text as attname,
               pg_catalog.row_number() over (order by pg_catalog.octet_length(a.attname::text),
                                                      a.attname::text collate "C") as jpos,
               k.attnum = any (i.indkey::int2[]) and i.indisprimary as is_key
          from kinds k
          join pg_catalog.pg_attribute a on a.attrelid = i_relid and a.attnum = k.attnum
          left join pg_catalog.pg_index i on i.indrelid = i_relid and i.indisprimary),
    fmt as (
        select not pg_catalog.bool_or(o.eq = 'f' or o.attname !~ '^[ -~]+$') as usable,
               pg_catalog.string_agg(pg_catalog.replace(o.attname, '%', '%%') || pg_catalog.chr(1) || '%' || o.jpos || '$s',
                                     pg_catalog.chr(2) order by o.attnum) as logu,
               pg_catalog.string_agg(o.render, '' order by o.jpos) as jkinds,
               coalesce(pg_catalog.array_agg(o.jpos order by o.jpos) filter (where o.render <> 't'), '{}')::text as conv,
               '(' || pg_catalog.string_agg(pg_catalog.replace(pg_catalog.quote_ident(o.attname), '%', '%%'), ',' order by o.attnum)
                   || ') values (' || pg_catalog.string_agg('%' || o.jpos || '$L', ',' order by o.attnum) || ')' as sql_ins,
               pg_catalog.string_agg(pg_catalog.replace(pg_catalog.quote_ident(o.attname), '%', '%%') || '=%' || o.jpos || '$L',
                                     ' and ' order by o.attnum) filter (where o.is_key) as sql_del,
               pg_catalog.array_agg(o.jpos order by o.attnum)::text as jpos,
               pg_catalog.array_agg(o.attname order by o.attnum)::text as names
          from ordered o)
    select array[null,
                 case when (select pg_catalog.bool_or(k.is_magic or k.render = 'g') from kinds k) then 'g' else 'f' end,
                 (select coalesce(pg_catalog.string_agg(k.render, '' order by k.attnum), '') from kinds k),
                 (select coalesce(pg_catalog.string_agg(k.eq, '' order by k.attnum), '') from kinds k),
                 (select coalesce(pg_catalog.string_agg(k.json, '' order by k.attnum), '') from kinds k),
                 f.logu, f.jkinds, f.conv, f.sql_ins, f.sql_del, f.jpos, f.names]
           || pgq._trg_pkey(i_relid)
      from (select case when x.usable then x.logu end as logu, x.jkinds, x.conv,
                   case when x.usable then x.sql_ins end as sql_ins,
                   case when x.usable then x.sql_del end as sql_del, x.jpos, x.names
              from fmt x) f;
$$;
