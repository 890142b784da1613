-- pgq._trg_sql_update(meta, new row as json, old row as json, ignore list, key columns, new
-- row, old row): internal helper of the triggers' fast path, sqltriga's UPDATE in one pass over
-- the two rows: the changed columns, "primary key update not allowed" when a key column
-- changed, NULL when only ignored columns changed (no event), else the event data as
-- pgq._trg_sql_data() makes it: col='new',col2=NULL where pk='x' and pk2='y' (the changed
-- columns that are not ignored, or with none changed the key columns "set" to their values).
-- Columns are compared in row_to_json() form (equal exactly when the text output is); where
-- that differs, by the type's "=" for the types whose "=" can say equal (pgq._trg_meta [4]).
-- One query finds the changed and the key columns (names and positions); the SET and WHERE
-- lists are then built from those few columns with ->> on the rows, without a second query.
create or replace function pgq._trg_sql_update(
    i_meta text[], i_new_json json, i_old_json json, i_ignore text[], i_pkeys text[], i_new anyelement, i_old anyelement)
returns text
language plpgsql
as $$
declare
    v_changed text[];
    v_changed_pos int8[];
    v_ask text[];
    v_keys text[];
    v_keys_pos int8[];
    v_data_columns text[];
    v_name text;
    v_value text;
    v_set text;
    v_where text;
    i int;
begin
    select coalesce(pg_catalog.array_agg(z.nk) filter (where z.changed), '{}'),
           coalesce(pg_catalog.array_agg(z.ord) filter (where z.changed), '{}'),
           pg_catalog.array_agg(z.nk) filter (where z.changed and z.eq = 'o' and z.nv is not null and z.ov is not null),
           coalesce(pg_catalog.array_agg(z.nk) filter (where z.nk = any (i_pkeys)), '{}'),
           coalesce(pg_catalog.array_agg(z.ord) filter (where z.nk = any (i_pkeys)), '{}')
      into v_changed, v_changed_pos, v_ask, v_keys, v_keys_pos
      from (select z.nk, z.ord,
                   z.nv, z.ov,
                   pg_catalog.substr(i_meta[4], z.ord::int, 1) as eq,
                   z.nv is distinct from z.ov
                   and (z.nv is null or z.ov is null
                        or case pg_catalog.substr(i_meta[4], z.ord::int, 1)
                               when 'n' then z.nv::pg_catalog.numeric <> z.ov::pg_catalog.numeric
                               when 'f' then z.nv::pg_catalog.float8 <> z.ov::pg_catalog.float8
                               when 'i' then z.nv::pg_catalog.interval <> z.ov::pg_catalog.interval
                               else true
                           end) as changed
              from rows from (pg_catalog.json_each_text(i_new_json), pg_catalog.json_each_text(i_old_json))
                   with ordinality as z(nk, nv, ok, ov, ord)
            offset 0) as z;  -- (computes "changed" once per column, not once per aggregate)

    if v_ask is not null then
        -- types whose "=" must be asked (rare): drop the equal ones, then render as usual
        foreach v_name in array v_ask loop
            if pgq._trg_values_equal(i_old, i_new, v_name) then
                v_changed := pg_catalog.array_remove(v_changed, v_name);
            end if;
        end loop;
        if v_changed operator(pg_catalog.&&) i_pkeys then
            raise exception 'primary key update not allowed';
        end if;
        v_data_columns := array(select x.name from pg_catalog.unnest(v_changed) as x(name)
                                 where i_ignore is null or x.name <> all (i_ignore));
        if pg_catalog.cardinality(v_changed) > 0 and pg_catalog.cardinality(v_data_columns) = 0 then
            return null;
        end if;
        return pgq._trg_sql_json('UPDATE', i_meta[3], i_new_json, i_old_json, i_ignore, i_pkeys, v_data_columns);
    end if;

    if v_changed operator(pg_catalog.&&) i_pkeys then
        raise exception 'primary key update not allowed';
    end if;
    -- SET: the changed columns that are not ignored, in column order
    for i in 1 .. pg_catalog.cardinality(v_changed) loop
        v_name := v_changed[i];
        continue when v_name = any (i_ignore);
        v_value := pgq._trg_text(pg_catalog.substr(i_meta[3], v_changed_pos[i]::int, 1), i_new_json operator(pg_catalog.->>) v_name);
        v_set := coalesce(v_set || ',', '') || pg_catalog.quote_ident(v_name) || '=' || coalesce(pg_catalog.quote_literal(v_value), 'NULL');
    end loop;
    if v_set is null and pg_catalog.cardinality(v_changed) > 0 then
        return null;  -- only ignored columns changed
    end if;
    -- WHERE (and SET when nothing changed): the key columns, in column order
    for i in 1 .. pg_catalog.cardinality(v_keys) loop
        v_name := v_keys[i];
        v_value := pgq._trg_text(pg_catalog.substr(i_meta[3], v_keys_pos[i]::int, 1), i_old_json operator(pg_catalog.->>) v_name);
        if v_value is null then
            raise exception 'logtriga: Unexpected NULL key value';
        end if;
        v_where := coalesce(v_where || ' and ', '') || pg_catalog.quote_ident(v_name) || '=' || pg_catalog.quote_literal(v_value);
    end loop;
    if v_set is null then
        for i in 1 .. pg_catalog.cardinality(v_keys) loop
            v_name := v_keys[i];
            v_value := pgq._trg_text(pg_catalog.substr(i_meta[3], v_keys_pos[i]::int, 1), i_new_json operator(pg_catalog.->>) v_name);
            v_set := coalesce(v_set || ',', '') || pg_catalog.quote_ident(v_name) || '=' || coalesce(pg_catalog.quote_literal(v_value), 'NULL');
        end loop;
    end if;
    return coalesce(v_set, '') || ' where ' || coalesce(v_where, '');
end;
$$;
