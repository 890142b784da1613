-- pgq.drop_queue(queue, force): drops the queue's tables, ticks, sequences and row.
-- Without force it refuses while consumers are subscribed; with force it unregisters them.
create or replace function pgq.drop_queue(x_queue_name text, x_force bool)
returns integer
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    q       record;
    c       record;
begin
    -- serializes queue creation and removal (they regenerate the generated insert functions)
    lock table pgq.queue in share row exclusive mode;
    select queue_id, queue_data_pfx, queue_event_seq, queue_tick_seq into q
      from pgq.queue
     where queue_name = x_queue_name
       for update;
    if not found then
        raise exception 'No such event queue';
    end if;

    if x_force then
        for c in select consumer_name from pgq.get_consumer_info(x_queue_name) loop
            perform pgq.unregister_consumer(x_queue_name, c.consumer_name);
        end loop;
    elsif exists (select 1 from pgq.subscription where sub_queue = q.queue_id) then
        raise exception 'cannot drop queue, consumers still attached';
    end if;

    -- data tables (all children, also ones beyond a lowered queue_ntables), then the parent
    for c in
        select i.inhrelid::regclass::text as tbl
          from pg_inherits i
         where i.inhparent = pgq.quote_fqname(q.queue_data_pfx)::regclass
         order by 1
    loop
        execute 'drop table ' || c.tbl;
    end loop;
    execute 'drop table ' || pgq.quote_fqname(q.queue_data_pfx);

    delete from pgq.retry_queue where ev_queue = q.queue_id;
    delete from pgq.tick where tick_queue = q.queue_id;
    execute 'drop sequence ' || pgq.quote_fqname(q.queue_tick_seq);
    execute 'drop sequence ' || pgq.quote_fqname(q.queue_event_seq);
    delete from pgq.queue where queue_id = q.queue_id;

    perform pgq._generate_insert_bucket(q.queue_id);
    return 1;
end;
$$;

-- pgq.drop_queue(queue): drop_queue(queue, false).
create or replace function pgq.drop_queue(x_queue_name text)
returns integer
language plpgsql strict
as $$
begin
    return pgq.drop_queue(x_queue_name, false);
end;
$$;
