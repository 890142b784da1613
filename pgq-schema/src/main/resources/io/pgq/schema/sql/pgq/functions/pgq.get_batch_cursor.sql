-- pgq.get_batch_cursor(batch, cursor_name, quick_limit, extra_where): declares
-- NO SCROLL CURSOR <cursor_name> over the batch's events (optionally filtered by the raw
-- WHERE text extra_where, which is trusted SQL from the consumer) and returns its first
-- quick_limit rows.  The caller FETCHes the rest and CLOSEs it, inside one transaction.
-- Returns nothing when batch, cursor name or limit is NULL.
create or replace function pgq.get_batch_cursor(
    in i_batch_id bigint, in i_cursor_name text, in i_quick_limit int4, in i_extra_where text,
    out ev_id bigint, out ev_time timestamptz, out ev_txid bigint, out ev_retry int4,
    out ev_type text, out ev_data text,
    out ev_extra1 text, out ev_extra2 text, out ev_extra3 text, out ev_extra4 text)
returns setof record
language plpgsql
as $$
declare
    v_sql   text;
begin
    if i_batch_id is null or i_cursor_name is null or i_quick_limit is null then
        return;
    end if;

    v_sql := pgq.batch_event_sql(i_batch_id);
    if i_extra_where is not null then
        v_sql := 'select * from (' || v_sql || ') _evs where ' || i_extra_where || ' order by 1';
    end if;
    execute 'declare ' || pg_catalog.quote_ident(i_cursor_name) || ' no scroll cursor for ' || v_sql;

    if i_quick_limit > 0 then
        return query execute 'fetch ' || i_quick_limit::text || ' from ' || pg_catalog.quote_ident(i_cursor_name);
    end if;
end;
$$;

-- pgq.get_batch_cursor(batch, cursor_name, quick_limit): without extra WHERE.
create or replace function pgq.get_batch_cursor(
    in i_batch_id bigint, in i_cursor_name text, in i_quick_limit int4,
    out ev_id bigint, out ev_time timestamptz, out ev_txid bigint, out ev_retry int4,
    out ev_type text, out ev_data text,
    out ev_extra1 text, out ev_extra2 text, out ev_extra3 text, out ev_extra4 text)
returns setof record
language plpgsql strict
as $$
begin
    return query select * from pgq.get_batch_cursor(i_batch_id, i_cursor_name, i_quick_limit, null);
end;
$$;
