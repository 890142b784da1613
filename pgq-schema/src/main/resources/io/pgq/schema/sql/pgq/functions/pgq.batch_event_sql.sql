-- pgq.batch_event_sql(batch): the SELECT returning a batch's events (reference §3.3):
-- events whose ev_txid is visible in the end tick's snapshot and not in the start tick's,
-- owned by nobody or by the batch's subscription, from the tables of batch_event_tables(),
-- ordered by ev_id.  Transactions that were running at the start tick and finished by the
-- end tick either widen the ev_txid range scan (when close to it) or go to an IN list.
-- pgq-java inlines both snapshots as literals instead of joining pgq.tick per table.
create or replace function pgq.batch_event_sql(x_batch_id bigint)
returns text
language plpgsql
-- plans cached while pgq.tick was small must not scan it in full (docs/design/schema.md)
set enable_seqscan = off
set jit = off
as $$
declare
    b           record;
    v_tx_start  bigint;
    v_txid      bigint;
    v_list      text := '';
    v_cols      constant text := 'ev.ev_id, ev.ev_time, ev.ev_txid, ev.ev_retry, ev.ev_type, ev.ev_data,'
                                 ' ev.ev_extra1, ev.ev_extra2, ev.ev_extra3, ev.ev_extra4';
    v_owner     text;
    v_range     text;
    v_sql       text := '';
    v_table     text;
begin
    select sub.sub_id,
           prev.tick_snapshot as prev_snap, cur.tick_snapshot as cur_snap,
           txid_snapshot_xmax(prev.tick_snapshot) as tx_start,
           txid_snapshot_xmin(cur.tick_snapshot) as cur_xmin,
           txid_snapshot_xmax(cur.tick_snapshot) as tx_end
      into b
      from pgq.subscription sub, pgq.tick prev, pgq.tick cur
     where sub.sub_batch = x_batch_id
       and prev.tick_queue = sub.sub_queue and prev.tick_id = sub.sub_last_tick
       and cur.tick_queue = sub.sub_queue and cur.tick_id = sub.sub_next_tick;
    if not found then
        raise exception 'batch not found';
    end if;

    -- transactions running at the start tick that finished by the end tick, newest first
    v_tx_start := b.tx_start;
    for v_txid in
        select x.id
          from (select txid_snapshot_xip(b.prev_snap) as id
                except
                select txid_snapshot_xip(b.cur_snap)) x
         order by 1 desc
    loop
        if v_txid >= v_tx_start - 100 then
            v_tx_start := v_txid;
        else
            v_list := v_list || case when v_list = '' then '' else ',' end || v_txid::text;
        end if;
    end loop;

    v_owner := format('(ev.ev_owner is null or ev.ev_owner = %s)', b.sub_id);
    -- ev_txid below the end tick's xmin is visible there (aborted rows are invisible anyway),
    -- so the snapshot function is evaluated only for the few rows at/above it
    v_range := format('ev.ev_txid >= %s and ev.ev_txid <= %s'
                      ' and (ev.ev_txid < %s or pg_catalog.txid_visible_in_snapshot(ev.ev_txid, %L::pg_catalog.txid_snapshot))'
                      ' and (ev.ev_txid >= %s or not pg_catalog.txid_visible_in_snapshot(ev.ev_txid, %L::pg_catalog.txid_snapshot))',
                      v_tx_start, b.tx_end, b.cur_xmin, b.cur_snap::text, b.tx_start, b.prev_snap::text);

    for v_table in select t from pgq.batch_event_tables(x_batch_id) t loop
        if v_sql <> '' then
            v_sql := v_sql || ' union all ';
        end if;
        v_sql := v_sql || 'select ' || v_cols || ' from ' || pgq.quote_fqname(v_table) || ' ev'
                       || ' where ' || v_range || ' and ' || v_owner;
        if v_list <> '' then
            v_sql := v_sql || ' union all select ' || v_cols || ' from ' || pgq.quote_fqname(v_table) || ' ev'
                           || ' where ev.ev_txid in (' || v_list || ') and ' || v_owner;
        end if;
    end loop;
    if v_sql = '' then
        raise exception 'could not construct sql for batch %', x_batch_id;
    end if;
    return v_sql || ' order by 1';
end;
$$;
