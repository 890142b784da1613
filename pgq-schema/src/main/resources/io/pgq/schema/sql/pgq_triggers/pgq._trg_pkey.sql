-- pgq._trg_pkey(oid): internal helper of the pgq triggers.
-- Names of the table's primary key columns in key order; empty array if it has no primary key.
create or replace function pgq._trg_pkey(i_relid oid)
returns text[]
language sql stable parallel safe
as $$
    select coalesce(pg_catalog.array_agg(a.attname::text order by k.ord), '{}')
      from pg_catalog.pg_index i
      cross join lateral pg_catalog.unnest(i.indkey::int2[]) with ordinality as k(attnum, ord)
      join pg_catalog.pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum
     where i.indrelid = i_relid
       and i.indisprimary;
$$;
