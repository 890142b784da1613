-- pgq._trg_expr_sql(expression, is_when): internal helper of the pgq triggers.
-- One select-list item of the query that evaluates the trigger's expressions against the row
-- (the row's columns are in scope). ev_*= expressions give the text output of their value
-- (bool as 't'/'f', like the reference) or NULL; when= gives '<result type oid>:<value>' so
-- the caller can insist on a boolean. A missing expression gives NULL.
create or replace function pgq._trg_expr_sql(i_expr text, i_is_when boolean)
returns text
language sql immutable parallel safe
as $$
    select case
        when i_expr is null then 'null::text'
        when i_is_when then
            '(select pg_catalog.pg_typeof(_pgq_v)::oid::text || '':'' || coalesce(_pgq_v::text, '''')'
            || ' from (select (' || i_expr || ') as _pgq_v) as _pgq_x)'
        else
            '(select case when _pgq_v is null then null else pg_catalog.concat(_pgq_v) end'
            || ' from (select (' || i_expr || ') as _pgq_v) as _pgq_x)'
    end;
$$;
