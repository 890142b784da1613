-- pgq.seq_setval(seq, value): like setval() but never moves the sequence backwards.
-- Returns the resulting last value.
create or replace function pgq.seq_setval(i_seq_name text, i_new_value int8)
returns bigint
language plpgsql strict
as $$
declare
    v_fqname    text;
    v_current   bigint;
begin
    v_fqname := pgq.quote_fqname(i_seq_name);
    v_current := pgq.seq_getval(i_seq_name);
    if i_new_value > v_current then
        v_current := pg_catalog.setval(v_fqname::regclass, i_new_value);
    end if;
    return v_current;
end;
$$;
