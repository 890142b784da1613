-- pgq._trg_fast(...): internal helper, the fast path of pgq.logutriga(), pgq.sqltriga() and
-- pgq.jsontriga() (i_kind) for row-level INSERT/UPDATE/DELETE. It sends the same event as
-- pgq._trg_event() but reads the table's metadata from pgq._trg_meta_cached() (no catalog
-- query per row) and every column's value from one row_to_json() per row (no text parsing, no
-- dynamic SQL except the type's "=" for unusual types whose text changed in an UPDATE).
-- Returns NULL when it cannot handle the case: a table with i_meta[2] = 'g', or arguments
-- with deny, when= or ev_*= expressions, or SKIP in an AFTER trigger (pgq._trg_event() then
-- does the work, or raises the error). Otherwise returns true when the row change must be
-- skipped (SKIP), false when not.
create or replace function pgq._trg_fast(
    i_kind text,
    i_tg_when text,
    i_tg_op text,
    i_schema text,
    i_table text,
    i_args text[],
    i_meta text[],
    i_new anyelement,
    i_old anyelement)
returns boolean
language plpgsql
as $$
declare
    a record;
    c record;
    v_queue text := i_args[pg_catalog.array_lower(i_args, 1)];  -- (TG_ARGV starts at 0)
    v_skip boolean := false;
    v_backup boolean := false;
    v_ignore text[];
    v_pkeys text[] := i_meta[6:];
    v_pkey_text text;
    v_new json;
    v_old json;
    v_changed text[] := '{}';
    v_changed_data boolean := false;
    v_changed_other boolean := false;
    v_type text;
    v_data text;
    v_extra2 text;
begin
    if i_meta[2] <> 'f' then
        return null;
    end if;
    if pg_catalog.cardinality(i_args) > 1 then
        a := pgq._trg_parse_args(i_args);
        if a.deny or (a.skip and i_tg_when <> 'BEFORE')
           or pg_catalog.num_nonnulls(a.when_expr, a.type_expr, a.data_expr, a.extra1_expr,
                                      a.extra2_expr, a.extra3_expr, a.extra4_expr) > 0 then
            return null;
        end if;
        v_skip := a.skip;
        v_backup := a.backup and i_tg_op = 'UPDATE';
        v_ignore := a.ignore_list;
        v_pkeys := coalesce(a.pkey_list, v_pkeys);
        v_pkey_text := a.pkey_text;
    end if;
    if i_tg_op <> 'INSERT' then
        if pg_catalog.cardinality(v_pkeys) = 0 then
            raise exception 'Update/Delete on table without pkey';
        end if;
        v_old := pg_catalog.row_to_json(i_old);
    end if;
    if i_tg_op <> 'DELETE' then
        v_new := pg_catalog.row_to_json(i_new);
    end if;

    -- which columns did the UPDATE change? (text compared in row_to_json() form, which is
    -- equal exactly when the text output is; then by the type's "=" where that differs)
    if i_tg_op = 'UPDATE' then
        for c in
            select n.key, n.value as nv, o.value as ov, pg_catalog.substr(i_meta[4], n.ord::int, 1) as eq
              from pg_catalog.json_each_text(v_new) with ordinality as n(key, value, ord)
              join pg_catalog.json_each_text(v_old) with ordinality as o(key, value, ord) on o.ord = n.ord
             where n.value is distinct from o.value
             order by n.ord
        loop
            continue when c.eq <> 'x' and c.nv is not null and c.ov is not null
                          and case c.eq
                                  when 'n' then c.nv::pg_catalog.numeric = c.ov::pg_catalog.numeric
                                  when 'f' then c.nv::pg_catalog.float8 = c.ov::pg_catalog.float8
                                  when 'i' then c.nv::pg_catalog.interval = c.ov::pg_catalog.interval
                                  else pgq._trg_values_equal(i_old, i_new, c.key)
                              end;
            if c.key = any (v_pkeys) then
                raise exception 'primary key update not allowed';
            end if;
            if c.key = any (v_ignore) then
                v_changed_other := true;
            else
                v_changed_data := true;
                v_changed := v_changed || c.key;
            end if;
        end loop;
        if v_changed_other and not v_changed_data then
            return v_skip;
        end if;
    end if;

    if i_kind = 'logutriga' then
        v_type := pg_catalog.left(i_tg_op, 1) || ':' || coalesce(v_pkey_text, pg_catalog.array_to_string(v_pkeys, ','));
        v_data := pgq._trg_urlenc_json(i_meta[3], coalesce(v_new, v_old), v_ignore);
    elsif i_kind = 'sqltriga' then
        v_type := pg_catalog.left(i_tg_op, 1);
        v_data := pgq._trg_sql_json(i_tg_op, i_meta[3], v_new, v_old, v_ignore, v_pkeys, v_changed);
    else
        v_type := pgq._trg_json_type(i_tg_op, i_schema, i_table, v_pkeys);
        v_data := pgq._trg_json_json(i_meta[3], i_meta[5], coalesce(v_new, v_old), v_ignore);
    end if;
    if v_backup then
        if i_kind = 'jsontriga' then
            v_extra2 := pgq._trg_json_json(i_meta[3], i_meta[5], v_old, v_ignore);
        else
            v_extra2 := pgq._trg_urlenc_json(i_meta[3], v_old, v_ignore);
        end if;
    end if;
    perform pgq.insert_event(v_queue, v_type, v_data, i_schema || '.' || i_table, v_extra2, null, null);
    return v_skip;
end;
$$;
