-- pgq.finish_batch(batch): closes the batch and moves the consumer to its end tick.
-- Returns 1, or warns and returns 0 for an unknown batch.
create or replace function pgq.finish_batch(x_batch_id bigint)
returns integer
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
begin
    update pgq.subscription
       set sub_active = now(),
           sub_last_tick = sub_next_tick,
           sub_next_tick = null,
           sub_batch = null
     where sub_batch = x_batch_id;
    if not found then
        raise warning 'finish_batch: batch % not found', x_batch_id;
        return 0;
    end if;
    return 1;
end;
$$;
