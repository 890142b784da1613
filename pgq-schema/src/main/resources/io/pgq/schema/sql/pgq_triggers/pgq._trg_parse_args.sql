-- pgq._trg_parse_args(text[]): internal helper of the pgq triggers.
-- Parses the trigger arguments (TG_ARGV): the queue name, then any of
--   SKIP, backup, deny, ignore=col1,col2, pkey=col1,col2, when=EXPR,
--   ev_type=EXPR, ev_data=EXPR, ev_extra1=EXPR .. ev_extra4=EXPR.
-- Column lists are split on ',' as given (no trimming); 'pkey=' alone means "no key columns".
-- Unknown arguments raise the reference's error, with the argument in DETAIL.
create or replace function pgq._trg_parse_args(
    i_args text[],
    out queue_name text,
    out skip boolean,
    out backup boolean,
    out deny boolean,
    out ignore_list text[],
    out pkey_list text[],
    out pkey_text text,
    out when_expr text,
    out type_expr text,
    out data_expr text,
    out extra1_expr text,
    out extra2_expr text,
    out extra3_expr text,
    out extra4_expr text)
language plpgsql immutable
as $$
declare
    v_arg text;
    v_first boolean := true;
begin
    skip := false;
    backup := false;
    deny := false;
    if i_args is null or pg_catalog.cardinality(i_args) = 0 then
        raise exception 'pgq trigger must have destination queue as argument';
    end if;
    foreach v_arg in array i_args loop
        if v_first then
            queue_name := v_arg;
            v_first := false;
        elsif v_arg = 'SKIP' then
            skip := true;
        elsif v_arg = 'backup' then
            backup := true;
        elsif v_arg = 'deny' then
            deny := true;
        elsif v_arg like 'ignore=%' then
            ignore_list := pg_catalog.string_to_array(pg_catalog.substr(v_arg, 8), ',');
        elsif v_arg like 'pkey=%' then
            pkey_text := pg_catalog.substr(v_arg, 6);
            pkey_list := pg_catalog.string_to_array(pkey_text, ',');
        elsif v_arg like 'when=%' then
            when_expr := pg_catalog.substr(v_arg, 6);
        elsif v_arg like 'ev\_type=%' then
            type_expr := pg_catalog.substr(v_arg, 9);
        elsif v_arg like 'ev\_data=%' then
            data_expr := pg_catalog.substr(v_arg, 9);
        elsif v_arg like 'ev\_extra1=%' then
            extra1_expr := pg_catalog.substr(v_arg, 11);
        elsif v_arg like 'ev\_extra2=%' then
            extra2_expr := pg_catalog.substr(v_arg, 11);
        elsif v_arg like 'ev\_extra3=%' then
            extra3_expr := pg_catalog.substr(v_arg, 11);
        elsif v_arg like 'ev\_extra4=%' then
            extra4_expr := pg_catalog.substr(v_arg, 11);
        else
            raise exception 'bad param to pgq trigger'
                using detail = pg_catalog.format('argument: %s', v_arg);
        end if;
    end loop;
end;
$$;
