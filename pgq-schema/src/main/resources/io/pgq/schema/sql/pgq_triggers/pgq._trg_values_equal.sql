-- pgq._trg_values_equal(row, row, column): internal helper of the pgq triggers.
-- True when column i_column of the two rows is equal by its type's "=" operator (e.g. numeric
-- 1.0 = 1.00, interval '1 day' = '24 hours'). Types without "=" (json, point, ...) give false:
-- the caller has already found their text forms different, and text comparison is the fallback.
-- Only called for columns whose text differs and whose type is not exact_eq (pgq._trg_columns).
create or replace function pgq._trg_values_equal(i_row1 anyelement, i_row2 anyelement, i_column text)
returns boolean
language plpgsql stable
as $$
declare
    v_equal boolean;
begin
    execute pg_catalog.format('select ($1).%1$I = ($2).%1$I', i_column)
       into v_equal
      using i_row1, i_row2;
    return coalesce(v_equal, false);
exception
    when undefined_function then
        return false;
end;
$$;
