-- pgq._trg_event(...): internal helper, the general path of pgq.logutriga(), pgq.sqltriga()
-- and pgq.jsontriga() (i_kind). Checks the trigger definition and arguments, builds the event
-- and sends it with pgq.insert_event(queue, type, data, extra1, extra2, extra3, extra4).
-- Returns true when the row change must be skipped (argument SKIP in a BEFORE trigger).
--
-- Event fields are decided in this order, later steps overriding earlier ones:
--   1. the format's type and data, extra1 = 'schema.table', extra2 = old row if 'backup' (UPDATE);
--   2. the _pgq_ev_type/_pgq_ev_data/_pgq_ev_extra1..4 columns of the row, if the table has them
--      (a NULL column value sets the field to NULL);
--   3. the ev_type=/ev_data=/ev_extra1..4= expressions, evaluated against the row.
-- An UPDATE that changes only ignored (or _pgq_ev_*) columns sends nothing; one that changes
-- nothing at all still sends an event. Columns are compared by text, and where the text
-- differs by the type's "=" if it has one (numeric 1.0 = 1.00 is "unchanged").
create or replace function pgq._trg_event(
    i_kind text,
    i_tg_when text,
    i_tg_level text,
    i_tg_op text,
    i_relid oid,
    i_schema text,
    i_table text,
    i_args text[],
    i_new anyelement,
    i_old anyelement)
returns boolean
language plpgsql
as $$
declare
    a record;
    c record;
    v_row record;
    v_table text := i_schema || '.' || i_table;
    v_pkeys text[];
    v_changed text[] := '{}';
    v_changed_data boolean := false;
    v_changed_other boolean := false;
    v_type text;
    v_data text;
    v_extra1 text;
    v_extra2 text;
    v_extra3 text;
    v_extra4 text;
    x_when text;
    x_type text;
    x_data text;
    x_extra1 text;
    x_extra2 text;
    x_extra3 text;
    x_extra4 text;
begin
    if pg_catalog.current_setting('session_replication_role') = 'local' then
        return false;
    end if;
    select * into a from pgq._trg_parse_args(i_args);

    if i_tg_op = 'TRUNCATE' then
        if i_tg_level <> 'STATEMENT' then
            raise exception 'pgq tRuncate trigger must be fired FOR EACH STATEMENT';
        elsif a.ignore_list is not null then
            raise exception 'Column ignore does not make sense for truncate trigger';
        elsif a.pkey_list is not null then
            raise exception 'Custom pkey_list does not make sense for truncate trigger';
        elsif a.backup then
            raise exception 'Backup does not make sense for truncate trigger';
        elsif pg_catalog.num_nonnulls(a.when_expr, a.type_expr, a.data_expr, a.extra1_expr,
                                      a.extra2_expr, a.extra3_expr, a.extra4_expr) > 0 then
            raise exception 'Custom expressions do not make sense for truncater trigger';
        end if;
    elsif i_tg_level <> 'ROW' then
        raise exception 'pgq Ins/Upd/Del trigger must be fired FOR EACH ROW';
    end if;
    if a.skip and i_tg_when <> 'BEFORE' then
        raise exception 'SKIP does not work in AFTER trigger.';
    end if;
    if a.deny then
        raise exception 'Table ''%'' to queue ''%'': change not allowed (%)', v_table, a.queue_name, i_tg_op;
    end if;

    if i_tg_op = 'TRUNCATE' then
        if i_kind = 'jsontriga' then
            perform pgq.insert_event(a.queue_name,
                                     pgq._trg_json_type(i_tg_op, i_schema, i_table, pgq._trg_pkey(i_relid)),
                                     '{}', v_table, null, null, null);
        else
            perform pgq.insert_event(a.queue_name, 'R', '', v_table, null, null, null);
        end if;
        return a.skip;
    end if;

    if i_tg_op = 'DELETE' then
        v_row := i_old;
    else
        v_row := i_new;
    end if;
    v_pkeys := coalesce(a.pkey_list, pgq._trg_pkey(i_relid));
    if i_tg_op <> 'INSERT' and pg_catalog.cardinality(v_pkeys) = 0 then
        raise exception 'Update/Delete on table without pkey';
    end if;

    -- which columns did the UPDATE change?
    if i_tg_op = 'UPDATE' then
        for c in
            select n.attname, n.is_magic, n.exact_eq, (n.val is null or o.val is null) as has_null
              from (select cc.pos, cc.attname, cc.is_magic, cc.exact_eq, f.val
                      from pgq._trg_columns(i_relid) cc
                      join pgq._trg_row_fields(i_new::text) f on f.pos = cc.pos) n
              join pgq._trg_row_fields(i_old::text) o on o.pos = n.pos
             where n.val is distinct from o.val
             order by n.pos
        loop
            continue when not c.exact_eq and not c.has_null
                          and pgq._trg_values_equal(i_old, i_new, c.attname);
            if c.attname = any (v_pkeys) then
                raise exception 'primary key update not allowed';
            end if;
            if c.is_magic or c.attname = any (a.ignore_list) then
                v_changed_other := true;
            else
                v_changed_data := true;
                v_changed := v_changed || c.attname;
            end if;
        end loop;
        if v_changed_other and not v_changed_data then
            return a.skip;
        end if;
    end if;

    -- when= and the ev_*= expressions: one query evaluated against the row
    if pg_catalog.num_nonnulls(a.when_expr, a.type_expr, a.data_expr, a.extra1_expr,
                               a.extra2_expr, a.extra3_expr, a.extra4_expr) > 0 then
        execute 'select '
                || pgq._trg_expr_sql(a.when_expr, true) || ', '
                || pgq._trg_expr_sql(a.type_expr, false) || ', '
                || pgq._trg_expr_sql(a.data_expr, false) || ', '
                || pgq._trg_expr_sql(a.extra1_expr, false) || ', '
                || pgq._trg_expr_sql(a.extra2_expr, false) || ', '
                || pgq._trg_expr_sql(a.extra3_expr, false) || ', '
                || pgq._trg_expr_sql(a.extra4_expr, false)
                || ' from (select ($1).*) as _pgq_row'
           into x_when, x_type, x_data, x_extra1, x_extra2, x_extra3, x_extra4
          using v_row;
        if a.when_expr is not null then
            if pg_catalog.split_part(x_when, ':', 1) <> '16' then
                raise exception 'when= query result must be boolean, got=%', pg_catalog.split_part(x_when, ':', 1);
            end if;
            -- false or NULL: no event
            if pg_catalog.split_part(x_when, ':', 2) <> 'true' then
                return a.skip;
            end if;
        end if;
    end if;

    -- 1. the format
    v_extra1 := v_table;
    if i_kind = 'logutriga' then
        v_type := pg_catalog.left(i_tg_op, 1) || ':'
                  || coalesce(a.pkey_text, pg_catalog.array_to_string(v_pkeys, ','));
        v_data := pgq._trg_urlenc_row(i_relid, v_row::text, a.ignore_list);
    elsif i_kind = 'sqltriga' then
        v_type := pg_catalog.left(i_tg_op, 1);
        v_data := pgq._trg_sql_data(i_tg_op, i_relid, i_new::text, i_old::text, a.ignore_list, v_pkeys, v_changed);
    else
        v_type := pgq._trg_json_type(i_tg_op, i_schema, i_table, v_pkeys);
        v_data := pgq._trg_json_row(i_relid, v_row, a.ignore_list);
    end if;
    if a.backup and i_tg_op = 'UPDATE' then
        if i_kind = 'jsontriga' then
            v_extra2 := pgq._trg_json_row(i_relid, i_old, a.ignore_list);
        else
            v_extra2 := pgq._trg_urlenc_row(i_relid, i_old::text, a.ignore_list);
        end if;
    end if;

    -- 2. the _pgq_ev_* columns
    for c in
        select cc.attname, f.val
          from pgq._trg_columns(i_relid) cc
          join pgq._trg_row_fields(v_row::text) f on f.pos = cc.pos
         where cc.is_magic
    loop
        case c.attname
            when '_pgq_ev_type' then v_type := c.val;
            when '_pgq_ev_data' then v_data := c.val;
            when '_pgq_ev_extra1' then v_extra1 := c.val;
            when '_pgq_ev_extra2' then v_extra2 := c.val;
            when '_pgq_ev_extra3' then v_extra3 := c.val;
            else v_extra4 := c.val;
        end case;
    end loop;

    -- 3. the expressions
    if a.type_expr is not null then v_type := x_type; end if;
    if a.data_expr is not null then v_data := x_data; end if;
    if a.extra1_expr is not null then v_extra1 := x_extra1; end if;
    if a.extra2_expr is not null then v_extra2 := x_extra2; end if;
    if a.extra3_expr is not null then v_extra3 := x_extra3; end if;
    if a.extra4_expr is not null then v_extra4 := x_extra4; end if;

    perform pgq.insert_event(a.queue_name, v_type, v_data, v_extra1, v_extra2, v_extra3, v_extra4);
    return a.skip;
end;
$$;
