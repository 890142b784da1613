-- pgq_coop.finish_batch(batch_id): closes a subconsumer's batch (the group's position moved
-- on when the batch was handed out). Returns 1, or 0 with a warning if no subconsumer holds it.
create or replace function pgq_coop.finish_batch(i_batch_id bigint)
returns integer
language plpgsql
security definer
set search_path = pg_catalog, pg_temp
as $$
begin
    update pgq.subscription
       set sub_active = now(),
           sub_last_tick = null,
           sub_next_tick = null,
           sub_batch = null
     where sub_batch = i_batch_id;
    if not found then
        raise warning 'coop_finish_batch: batch % not found', i_batch_id;
        return 0;
    end if;
    return 1;
end;
$$;
