create table if not exists public.ev_log(id serial primary key, q text, t text, d text, e1 text, e2 text, e3 text, e4 text);
create or replace function pgq.insert_event(queue_name text, ev_type text, ev_data text, ev_extra1 text, ev_extra2 text, ev_extra3 text, ev_extra4 text) returns bigint language plpgsql as $$
begin
  insert into public.ev_log(q,t,d,e1,e2,e3,e4) values (queue_name, ev_type, ev_data, ev_extra1, ev_extra2, ev_extra3, ev_extra4);
  return 1;
end $$;
