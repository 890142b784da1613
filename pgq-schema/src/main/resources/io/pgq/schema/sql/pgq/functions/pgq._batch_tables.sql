-- pgq._batch_tables(tx_min, tx_max, data_pfx, ntables, cur_table, switch_step1, switch_step2):
-- the data tables a batch must read (reference §1.2), from the start tick's xmin, the end
-- tick's xmax and the queue's rotation state: only the previous table when the batch ended
-- before the last rotation (step1), only the current one when it started after the rotation
-- became visible (step2), else both, previous first. Shared by batch_event_tables,
-- batch_event_sql and _next_batch_sql, which read the batch's row once and pass it here.
-- PL/pgSQL rather than SQL: called per batch from PL/pgSQL, a SQL function would be planned
-- at every call.
create or replace function pgq._batch_tables(
    i_tx_min bigint, i_tx_max bigint, i_data_pfx text, i_ntables integer, i_cur_table integer,
    i_switch_step1 bigint, i_switch_step2 bigint)
returns text[]
language plpgsql immutable
set search_path = pg_catalog, pg_temp
as $$
declare
    v_prev  text := i_data_pfx || '_' || ((i_cur_table + i_ntables - 1) % i_ntables)::text;
    v_cur   text := i_data_pfx || '_' || i_cur_table::text;
begin
    if i_tx_max < i_switch_step1 then
        return array[v_prev];
    elsif i_switch_step2 is not null and i_tx_min > i_switch_step2 then
        return array[v_cur];
    end if;
    return array[v_prev, v_cur];
end;
$$;
