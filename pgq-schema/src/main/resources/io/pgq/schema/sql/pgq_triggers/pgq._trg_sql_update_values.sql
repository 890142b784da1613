-- pgq._trg_sql_update_values(meta, new values, old values, key columns, new row, old row):
-- internal helper of the triggers' fast path, sqltriga's UPDATE data without a query, for a
-- table with a format in pgq._trg_meta [6] and no ignore= argument: the same text as
-- pgq._trg_sql_update(): col='new',col2=NULL where pk='x' and pk2='y' (the changed columns, or
-- with none changed the key columns "set" to their values), "primary key update not allowed"
-- when a key column changed, "logtriga: Unexpected NULL key value" for a NULL key.
-- The values are the rows' jsonb values as text arrays in jsonb key order (pgq._trg_fast);
-- i_meta[11] gives each column's position there, i_meta[12] the column names, both in column
-- order. A column changed when its value differs and, where that can still be equal, its
-- type says so (numeric 1.0 = 1.00, interval 1 day = 24 hours, the "=" of other types).
-- A column whose value is the same costs one comparison; with one key column the WHERE list
-- is made without a second pass over the columns.
create or replace function pgq._trg_sql_update_values(
    i_meta text[], i_new_vals text[], i_old_vals text[], i_pkeys text[], i_new anyelement, i_old anyelement)
returns text
language plpgsql
as $$
declare
    v_pos int[] := i_meta[11]::int[];
    v_names text[] := i_meta[12]::text[];
    v_new text;
    v_old text;
    v_kind text;
    v_set text;
    v_key_set text;
    v_where text;
    v_null_key boolean := false;
    i int;
begin
    for i in 1 .. pg_catalog.cardinality(v_pos) loop
        v_new := i_new_vals[v_pos[i]];
        v_old := i_old_vals[v_pos[i]];
        if v_new is distinct from v_old then
            if (v_new is null or v_old is null
                or case pg_catalog.substr(i_meta[4], i, 1)
                       when 'n' then v_new::pg_catalog.numeric <> v_old::pg_catalog.numeric
                       when 'i' then v_new::pg_catalog.interval <> v_old::pg_catalog.interval
                       when 'o' then not pgq._trg_values_equal(i_old, i_new, v_names[i])
                       else true
                   end) then
                if v_names[i] = any (i_pkeys) then
                    raise exception 'primary key update not allowed';
                end if;
                v_set := coalesce(v_set || ',', '') || pg_catalog.quote_ident(v_names[i]) || '='
                         || coalesce(pg_catalog.quote_literal(pgq._trg_text(pg_catalog.substr(i_meta[3], i, 1), v_new)), 'NULL');
            end if;
        end if;
    end loop;
    if v_set is not null and pg_catalog.cardinality(i_pkeys) = 1 then
        i := pg_catalog.array_position(v_names, i_pkeys[1]);
        v_old := pgq._trg_text(pg_catalog.substr(i_meta[3], i, 1), i_old_vals[v_pos[i]]);
        if v_old is null then
            raise exception 'logtriga: Unexpected NULL key value';
        end if;
        return v_set || ' where ' || pg_catalog.quote_ident(i_pkeys[1]) || '=' || pg_catalog.quote_literal(v_old);
    end if;
    -- the key columns in column order
    for i in 1 .. pg_catalog.cardinality(v_pos) loop
        if v_names[i] = any (i_pkeys) then
            v_kind := pg_catalog.substr(i_meta[3], i, 1);
            v_old := pgq._trg_text(v_kind, i_old_vals[v_pos[i]]);
            v_null_key := v_null_key or v_old is null;
            v_where := coalesce(v_where || ' and ', '') || pg_catalog.quote_ident(v_names[i]) || '=' || pg_catalog.quote_literal(v_old);
            v_key_set := coalesce(v_key_set || ',', '') || pg_catalog.quote_ident(v_names[i]) || '='
                         || coalesce(pg_catalog.quote_literal(pgq._trg_text(v_kind, i_new_vals[v_pos[i]])), 'NULL');
        end if;
    end loop;
    if v_null_key then
        raise exception 'logtriga: Unexpected NULL key value';
    end if;
    return coalesce(v_set, v_key_set, '') || ' where ' || coalesce(v_where, '');
end;
$$;
