-- pgq._trg_urlenc_row(relid, row text, ignore list): internal helper of pgq.logutriga() and
-- pgq.sqltriga(). Renders a row as logutriga data: 'col=value&col2&col3=value' in column order,
-- names and values URL-encoded, a NULL value as the bare name. Ignored and _pgq_ev_* columns
-- are left out. An empty column list gives ''.
create or replace function pgq._trg_urlenc_row(i_relid oid, i_row text, i_ignore text[])
returns text
language sql stable
as $$
    select coalesce(
               pg_catalog.string_agg(
                   pgq._trg_urlencode(c.attname)
                       || coalesce('=' || pgq._trg_urlencode(f.val), ''),
                   '&' order by c.pos),
               '')
      from pgq._trg_columns(i_relid) c
      join pgq._trg_row_fields(i_row) f on f.pos = c.pos
     where not c.is_magic
       and (i_ignore is null or c.attname <> all (i_ignore));
$$;
