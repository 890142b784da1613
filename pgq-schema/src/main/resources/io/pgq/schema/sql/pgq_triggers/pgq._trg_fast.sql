-- pgq._trg_fast(...): internal helper, the fast path of pgq.logutriga(), pgq.sqltriga() and
-- pgq.jsontriga() (i_kind) for row-level INSERT/UPDATE/DELETE. It sends the same event as
-- pgq._trg_event() but reads the table's metadata from pgq._trg_meta_cached() (no catalog
-- query per row) and every column's value from one row_to_json() per row (no text parsing, no
-- dynamic SQL except the type's "=" for unusual types whose text changed in an UPDATE).
-- logutriga's data, and sqltriga's INSERT, UPDATE and DELETE data, are made without a query where the
-- table allows (i_meta[6]) and no ignore= is given: the row's values come as one text array
-- (jsonb_path_query_array(to_jsonb(row), '$.*') read as an array literal, which a JSON
-- string is unless it holds an escape other than \" and \\), in jsonb key order, and one
-- format() with the table's format string (positional %n$s / %n$L) puts them in column order.
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
    v_skip boolean := false;
    v_backup boolean := false;
    v_ignore text[];
    v_pkeys text[] := i_meta[13:];
    v_pkey_text text;
    v_new json;
    v_old json;
    v_changed text[];
    v_changed_all text[];
    v_ask text[];
    v_name text;
    v_type text;
    v_data text;
    v_extra2 text;
    v_ev_id bigint;
    v_vals text[];
    v_old_vals text[];
    v_pos int;
    v_jrow jsonb;
    v_jold jsonb;
    v_text text;
    v_keys_checked boolean;  -- (NULL: false)
    v_jpos int[];
    v_names text[];
    v_nv text;
    v_ov text;
    v_set text;
    v_where text;
    v_key_set text;
    v_null_key boolean;  -- (NULL: false)
    i int;
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
    if i_tg_op <> 'INSERT' and pg_catalog.cardinality(v_pkeys) = 0 then
        raise exception 'Update/Delete on table without pkey';
    end if;

    -- logutriga and sqltriga on a table with a format in i_meta[6], without ignore= (and for
    -- sqltriga's UPDATE and DELETE without pkey=): the row's values as one text array,
    -- rendered by format() or, for sqltriga's UPDATE, compared column by column, all without a
    -- query. The array is jsonb_path_query_array(to_jsonb(row), '$.*') read as an array
    -- literal, which its JSON text is unless a string holds an escape other than \" and \\
    -- (control characters): such rows take the way below. (Written out here, not called: a
    -- call per row costs more than the three statements.)
    if i_meta[6] is not null and i_kind <> 'jsontriga' and v_ignore is null
       and (i_kind = 'logutriga' or i_tg_op = 'INSERT' or v_pkey_text is null) then
        v_jrow := pg_catalog.to_jsonb(case when i_tg_op = 'DELETE' then i_old else i_new end);
        v_text := pg_catalog.jsonb_path_query_array(v_jrow, '$.*')::text;
        if pg_catalog.strpos(v_text, '\') = 0 or v_text !~ '\\[bfnrtu]' then
            v_vals := ('{' || pg_catalog.substr(v_text, 2, pg_catalog.length(v_text) - 2) || '}')::text[];
        end if;
        if v_vals is not null and i_kind = 'sqltriga' and i_tg_op = 'UPDATE' then
            v_text := pg_catalog.jsonb_path_query_array(pg_catalog.to_jsonb(i_old), '$.*')::text;
            if pg_catalog.strpos(v_text, '\') = 0 or v_text !~ '\\[bfnrtu]' then
                v_old_vals := ('{' || pg_catalog.substr(v_text, 2, pg_catalog.length(v_text) - 2) || '}')::text[];
                -- sqltriga's UPDATE data: col='new',col2=NULL where pk='x' and pk2='y', the
                -- changed columns in column order (with none changed the key columns "set" to
                -- their values). i_meta[11] gives each column's position in jsonb key order,
                -- i_meta[12] its name. A column changed when its value differs and, where that
                -- can still be equal, its type says so (numeric 1.0 = 1.00, interval 1 day =
                -- 24 hours, the "=" of other types); an unchanged one costs one comparison.
                v_jpos := i_meta[11]::int[];
                v_names := i_meta[12]::text[];
                for i in 1 .. pg_catalog.cardinality(v_jpos) loop
                    if v_vals[v_jpos[i]] is distinct from v_old_vals[v_jpos[i]] then
                        v_nv := v_vals[v_jpos[i]];
                        v_ov := v_old_vals[v_jpos[i]];
                        if (v_nv is null or v_ov is null
                            or case pg_catalog.substr(i_meta[4], i, 1)
                                   when 'n' then v_nv::pg_catalog.numeric <> v_ov::pg_catalog.numeric
                                   when 'i' then v_nv::pg_catalog.interval <> v_ov::pg_catalog.interval
                                   when 'o' then not pgq._trg_values_equal(i_old, i_new, v_names[i])
                                   else true
                               end) then
                            if v_names[i] = any (v_pkeys) then
                                raise exception 'primary key update not allowed';
                            end if;
                            v_set := coalesce(v_set || ',', '') || pg_catalog.quote_ident(v_names[i]) || '='
                                     || coalesce(pg_catalog.quote_literal(pgq._trg_text(pg_catalog.substr(i_meta[3], i, 1), v_nv)), 'NULL');
                        end if;
                    end if;
                end loop;
                if v_set is not null and pg_catalog.cardinality(v_pkeys) = 1 then
                    -- one key column: its old value, without a second pass
                    i := pg_catalog.array_position(v_names, v_pkeys[1]);
                    v_ov := pgq._trg_text(pg_catalog.substr(i_meta[3], i, 1), v_old_vals[v_jpos[i]]);
                    if v_ov is null then
                        raise exception 'logtriga: Unexpected NULL key value';
                    end if;
                    v_data := v_set || ' where ' || pg_catalog.quote_ident(v_pkeys[1]) || '=' || pg_catalog.quote_literal(v_ov);
                else
                    -- the key columns in column order
                    for i in 1 .. pg_catalog.cardinality(v_jpos) loop
                        if v_names[i] = any (v_pkeys) then
                            v_ov := pgq._trg_text(pg_catalog.substr(i_meta[3], i, 1), v_old_vals[v_jpos[i]]);
                            if v_ov is null then
                                v_null_key := true;
                            end if;
                            v_where := coalesce(v_where || ' and ', '') || pg_catalog.quote_ident(v_names[i]) || '='
                                       || pg_catalog.quote_literal(v_ov);
                            v_key_set := coalesce(v_key_set || ',', '') || pg_catalog.quote_ident(v_names[i]) || '='
                                         || coalesce(pg_catalog.quote_literal(pgq._trg_text(pg_catalog.substr(i_meta[3], i, 1),
                                                                                          v_vals[v_jpos[i]])), 'NULL');
                        end if;
                    end loop;
                    if v_null_key then
                        raise exception 'logtriga: Unexpected NULL key value';
                    end if;
                    v_data := coalesce(v_set, v_key_set, '') || ' where ' || coalesce(v_where, '');
                end if;
            end if;
        elsif v_vals is not null then
            if i_meta[8] <> '{}' then
                -- booleans, dates and timestamps: their text output
                foreach v_pos in array i_meta[8]::int[] loop
                    v_vals[v_pos] := pgq._trg_text(pg_catalog.substr(i_meta[7], v_pos, 1), v_vals[v_pos]);
                end loop;
            end if;
            -- NULL as \x03, which no value holds (it would have been escaped)
            v_vals := pg_catalog.array_replace(v_vals, null, e'\x03');
            if i_kind = 'sqltriga' then
                v_data := pg_catalog.format(case when i_tg_op = 'INSERT' then i_meta[9] else i_meta[10] end,
                                            variadic v_vals);
                if i_tg_op = 'INSERT' then
                    v_data := pg_catalog.replace(v_data, e'\'\x03\'', 'null');
                elsif pg_catalog.strpos(v_data, e'\'\x03\'') > 0 then
                    raise exception 'logtriga: Unexpected NULL key value';
                end if;
            else
                -- 'name\x01value' joined with \x02, NULL as 'name\x01\x03'; printable ASCII is
                -- URL-encoded in one piece (the encoding leaves control characters alone)
                v_data := pg_catalog.format(i_meta[6], variadic v_vals);
                if v_data ~ '^[\x01-\x03 -~]*$' then
                    -- pgq._trg_urlencode_ascii() in three steps, so that the 24 punctuation
                    -- characters that values seldom hold cost one regex when absent: '%' and
                    -- '+' first, those 24 (their codes hold only '%' and hex digits), then
                    -- '&', ':', '=' and space as '+'; then the separators
                    v_data := pg_catalog.replace(pg_catalog.replace(v_data, '%', '%25'), '+', '%2b');
                    if v_data ~ '[!"#$''()*,/;<>?@[\\\]^`{|}~]' then
                        v_data := pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(
                                  pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(
                                  pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(v_data,
                                      '!', '%21'),
                                      '"', '%22'),
                                      '#', '%23'),
                                      '$', '%24'),
                                      '''', '%27'),
                                      '(', '%28'),
                                      ')', '%29'),
                                      '*', '%2a'),
                                      ',', '%2c'),
                                      '/', '%2f'),
                                      ';', '%3b'),
                                      '<', '%3c'),
                                      '>', '%3e'),
                                      '?', '%3f'),
                                      '@', '%40'),
                                      '[', '%5b'),
                                      '\', '%5c'),
                                      ']', '%5d'),
                                      '^', '%5e'),
                                      '`', '%60'),
                                      '{', '%7b'),
                                      '|', '%7c'),
                                      '}', '%7d'),
                                      '~', '%7e');
                    end if;
                    v_data := pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(
                                  pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(v_data, '&', '%26'), ':', '%3a'),
                                  '=', '%3d'), ' ', '+'), e'\x01\x03', ''), e'\x01', '='), e'\x02', '&');
                else
                    v_data := null;
                end if;
            end if;
        end if;
    end if;
    if i_tg_op = 'UPDATE' and i_kind = 'logutriga' and v_data is not null and not v_backup then
        -- logutriga's data is made: what is left is whether a key column changed, asked of
        -- the rows' jsonb forms (jsonb values are equal when the text outputs are, or for
        -- numbers when the numerics are; where they differ, the type's "=" decides as below)
        v_jold := pg_catalog.to_jsonb(i_old);
        foreach v_name in array v_pkeys loop
            if (v_jrow operator(pg_catalog.->) v_name) is distinct from (v_jold operator(pg_catalog.->) v_name)
               and not pgq._trg_values_equal(i_old, i_new, v_name) then
                raise exception 'primary key update not allowed';
            end if;
        end loop;
        v_keys_checked := true;
    else
        if i_tg_op <> 'INSERT' and (v_data is null or i_kind <> 'sqltriga') then
            v_old := pg_catalog.row_to_json(i_old);
        end if;
        if i_tg_op <> 'DELETE' and (v_data is null or (i_tg_op = 'UPDATE' and i_kind <> 'sqltriga')) then
            v_new := pg_catalog.row_to_json(i_new);
        end if;
    end if;

    -- which columns did the UPDATE change? Compared in row_to_json() form, which is equal
    -- exactly when the text output is; where that differs, by the type's "=" for the types
    -- whose "=" can say equal (numeric 1.0 = 1.00, float -0 = 0, interval 1 day = 24 hours).
    -- Without an ignore list, logutriga and jsontriga only need to know whether a key column
    -- changed (sqltriga lists the changed columns).
    if v_keys_checked then
        null;
    elsif i_tg_op = 'UPDATE' and i_kind <> 'sqltriga' and v_ignore is null then
        foreach v_name in array v_pkeys loop
            if (v_new operator(pg_catalog.->>) v_name) is distinct from (v_old operator(pg_catalog.->>) v_name)
               and not pgq._trg_values_equal(i_old, i_new, v_name) then
                raise exception 'primary key update not allowed';
            end if;
        end loop;
    elsif i_tg_op = 'UPDATE' and i_kind = 'sqltriga' and v_data is null then
        v_data := pgq._trg_sql_update(i_meta, v_new, v_old, v_ignore, v_pkeys, i_new, i_old);
        if v_data is null then
            return v_skip;  -- only ignored columns changed
        end if;
    elsif i_tg_op = 'UPDATE' then
        if v_new::text <> v_old::text then
            -- (the rows themselves stay out of the query: passing them costs more than the
            -- query; columns that need their type's "=" come back in v_ask)
            select coalesce(pg_catalog.array_agg(z.nk), '{}'),
                   pg_catalog.array_agg(z.nk) filter (where z.eq = 'o' and z.nv is not null and z.ov is not null)
              into v_changed_all, v_ask
              from (select z.nk, z.nv, z.ov, pg_catalog.substr(i_meta[4], z.ord::int, 1) as eq
                      from rows from (pg_catalog.json_each_text(v_new), pg_catalog.json_each_text(v_old))
                           with ordinality as z(nk, nv, ok, ov, ord)
                     where z.nv is distinct from z.ov) as z
             where z.nv is null or z.ov is null
                   or case z.eq
                          when 'n' then z.nv::pg_catalog.numeric <> z.ov::pg_catalog.numeric
                          when 'f' then z.nv::pg_catalog.float8 <> z.ov::pg_catalog.float8
                          when 'i' then z.nv::pg_catalog.interval <> z.ov::pg_catalog.interval
                          else true
                      end;
            if v_ask is not null then
                foreach v_name in array v_ask loop
                    if pgq._trg_values_equal(i_old, i_new, v_name) then
                        v_changed_all := pg_catalog.array_remove(v_changed_all, v_name);
                    end if;
                end loop;
            end if;
            if v_changed_all operator(pg_catalog.&&) v_pkeys then
                raise exception 'primary key update not allowed';
            end if;
            v_changed := v_changed_all;
            -- only ignored columns changed: no event
            if v_changed operator(pg_catalog.&&) v_ignore then
                v_changed := array(select x.name from pg_catalog.unnest(v_changed_all) as x(name)
                                 where x.name <> all (v_ignore));
                if pg_catalog.cardinality(v_changed) = 0 then
                    return v_skip;
                end if;
            end if;
        end if;
    end if;

    if i_kind = 'logutriga' then
        v_type := pg_catalog.left(i_tg_op, 1) || ':' || coalesce(v_pkey_text, pg_catalog.array_to_string(v_pkeys, ','));
        if v_data is null then
            v_data := pgq._trg_urlenc_json(i_meta[3], coalesce(v_new, v_old), v_ignore);
        end if;
    elsif i_kind = 'sqltriga' then
        v_type := pg_catalog.left(i_tg_op, 1);
        if i_tg_op <> 'UPDATE' and v_data is null then
            v_data := pgq._trg_sql_json(i_tg_op, i_meta[3], v_new, v_old, v_ignore, v_pkeys, '{}');
        end if;
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
    -- (an assignment, not PERFORM: PL/pgSQL evaluates it without starting a query)
    -- (the queue is TG_ARGV[0]: the first element, TG_ARGV starts at 0)
    v_ev_id := pgq.insert_event(i_args[pg_catalog.array_lower(i_args, 1)], v_type, v_data, i_schema || '.' || i_table,
                                v_extra2, null, null);
    return v_skip;
end;
$$;
