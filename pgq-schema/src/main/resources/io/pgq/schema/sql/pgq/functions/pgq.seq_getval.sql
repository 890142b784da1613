-- pgq.seq_getval(seq): last_value of a sequence without advancing it
-- (a fresh sequence returns its start value, 1).
create or replace function pgq.seq_getval(i_seq_name text)
returns bigint
language plpgsql strict
as $$
declare
    v_value bigint;
begin
    execute 'select last_value from ' || pgq.quote_fqname(i_seq_name) into v_value;
    return v_value;
end;
$$;
