-- pgq.maint_operations(): the maintenance calls a daemon should make, in order (it only
-- lists them).  Listed functions take 0 or 1 argument and return 1 to be called again.
create or replace function pgq.maint_operations(out func_name text, out func_arg text)
returns setof record
language plpgsql
as $$
declare
    q           record;
    v_ops       integer := 0;
    v_fn        text;
begin
    -- rotation step 1 for every queue that is due
    for q in
        select qu.queue_name
          from pgq.queue qu
         where qu.queue_rotation_period is not null
           and qu.queue_switch_step2 is not null
           and qu.queue_switch_time + qu.queue_rotation_period < current_timestamp
         order by qu.queue_name
    loop
        func_name := 'pgq.maint_rotate_tables_step1';
        func_arg := q.queue_name;
        v_ops := v_ops + 1;
        return next;
    end loop;

    -- rotation step 2, in its own transaction
    if v_ops > 0 or exists (select 1 from pgq.queue where queue_switch_step2 is null) then
        func_name := 'pgq.maint_rotate_tables_step2';
        func_arg := null;
        return next;
    end if;

    -- extra per-queue maintenance functions
    for q in
        select qu.queue_name, qu.queue_extra_maint
          from pgq.queue qu
         where qu.queue_extra_maint is not null
         order by qu.queue_name
    loop
        foreach v_fn in array q.queue_extra_maint loop
            func_name := v_fn;
            func_arg := q.queue_name;
            return next;
        end loop;
    end loop;

    -- vacuum
    for q in select t from pgq.maint_tables_to_vacuum() t loop
        func_name := 'vacuum';
        func_arg := q.t;
        return next;
    end loop;

    -- cascading / londiste, when installed
    if pg_catalog.to_regclass('pgq_node.node_info') is not null then
        for q in
            execute 'select n.queue_name from pgq_node.node_info n'
                 || ' where n.node_type = ''root'' order by 1'
        loop
            if pg_catalog.to_regprocedure('pgq_node.maint_watermark(text)') is not null then
                func_name := 'pgq_node.maint_watermark';
                func_arg := q.queue_name;
                return next;
            end if;
            if pg_catalog.to_regprocedure('londiste.root_check_seqs(text)') is not null then
                func_name := 'londiste.root_check_seqs';
                func_arg := q.queue_name;
                return next;
            end if;
        end loop;
    end if;
    if pg_catalog.to_regprocedure('londiste.periodic_maintenance()') is not null then
        func_name := 'londiste.periodic_maintenance';
        func_arg := null;
        return next;
    end if;
    return;
end;
$$;
