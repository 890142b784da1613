-- pgq.unregister_consumer(queue, consumer): removes a subscription.  Returns 0 when not
-- subscribed.  A cooperative subconsumer row (sharing its sub_id) is removed alone (1);
-- otherwise the consumer's retry events and all rows sharing its sub_id (its subconsumers)
-- are removed, the consumer row too when it has no other subscription, and the number of
-- removed subscription rows is returned.
create or replace function pgq.unregister_consumer(x_queue_name text, x_consumer_name text)
returns integer
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    s           record;
    v_count     integer;
begin
    select sub.sub_id, sub.sub_queue, sub.sub_consumer, sub.sub_last_tick, sub.sub_next_tick
      into s
      from pgq.subscription sub, pgq.consumer co, pgq.queue qu
     where sub.sub_queue = qu.queue_id
       and sub.sub_consumer = co.co_id
       and qu.queue_name = x_queue_name
       and co.co_name = x_consumer_name
       for update of sub, co;
    if not found then
        return 0;
    end if;

    if (s.sub_last_tick is null) = (s.sub_next_tick is null) then
        -- possibly a subconsumer: it shares its sub_id with the main consumer
        select count(*) into v_count from pgq.subscription where sub_id = s.sub_id;
        if v_count > 1 then
            delete from pgq.subscription
             where sub_queue = s.sub_queue and sub_consumer = s.sub_consumer;
            return 1;
        end if;
    end if;

    delete from pgq.retry_queue where ev_owner = s.sub_id;
    delete from pgq.subscription where sub_id = s.sub_id;
    get diagnostics v_count = row_count;

    delete from pgq.consumer
     where co_id = s.sub_consumer
       and not exists (select 1 from pgq.subscription where sub_consumer = s.sub_consumer);
    return v_count;
end;
$$;
