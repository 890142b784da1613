-- pgq.set_queue_config(queue, param, value): changes one queue setting.
-- param is given without the "queue_" prefix.  Reference names: ticker_max_count,
-- ticker_max_lag, ticker_idle_period, ticker_paused, rotation_period, external_ticker;
-- As in the reference, disable_insert, per_tx_limit and ntables are not settable here
-- (UPDATE pgq.queue directly; the insert functions follow such changes by a trigger).
-- Values are validated (errcode 22023, message names parameter, value and what is allowed).
-- Returns 1.
create or replace function pgq.set_queue_config(x_queue_name text, x_param_name text, x_param_value text)
returns integer
language plpgsql security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    v_queue_id  int4;
    v_allowed   constant text := 'ticker_max_count, ticker_max_lag, ticker_idle_period, ticker_paused, '
                                 'rotation_period, external_ticker';
begin
    if x_queue_name is null or x_param_name is null then
        raise exception 'Invalid NULL value';
    end if;

    select queue_id into v_queue_id
      from pgq.queue
     where queue_name = x_queue_name
       for update;
    if not found then
        raise exception 'No such event queue';
    end if;

    case x_param_name
    when 'ticker_max_count' then
        update pgq.queue set queue_ticker_max_count = pgq._config_int(x_param_name, x_param_value, 1)
         where queue_id = v_queue_id;
    when 'ticker_max_lag' then
        update pgq.queue set queue_ticker_max_lag = pgq._config_interval(x_param_name, x_param_value)
         where queue_id = v_queue_id;
    when 'ticker_idle_period' then
        update pgq.queue set queue_ticker_idle_period = pgq._config_interval(x_param_name, x_param_value)
         where queue_id = v_queue_id;
    when 'rotation_period' then
        update pgq.queue set queue_rotation_period = pgq._config_interval(x_param_name, x_param_value)
         where queue_id = v_queue_id;
    when 'ticker_paused' then
        update pgq.queue set queue_ticker_paused = pgq._config_bool(x_param_name, x_param_value)
         where queue_id = v_queue_id;
    when 'external_ticker' then
        update pgq.queue set queue_external_ticker = pgq._config_bool(x_param_name, x_param_value)
         where queue_id = v_queue_id;
    else
        raise exception 'cannot change parameter "%s"', x_param_name
            using errcode = 'invalid_parameter_value',
                  hint = 'Allowed parameters (without the "queue_" prefix): ' || v_allowed || '.';
    end case;
    return 1;
end;
$$;

-- Validation helpers of set_queue_config (errcode 22023 invalid_parameter_value).
create or replace function pgq._config_int(i_name text, i_value text, i_min integer)
returns integer
language plpgsql immutable
set search_path = pg_catalog, pg_temp
as $$
declare
    v_result    integer;
    v_allowed   text := case i_min when 1 then 'a positive integer'
                               else format('an integer >= %s', i_min) end;
begin
    begin
        v_result := btrim(i_value)::integer;
    exception when data_exception then
        v_result := null;
    end;
    if v_result is null or v_result < i_min then
        raise exception 'invalid value for parameter "%": %', i_name, coalesce(quote_literal(i_value), 'NULL')
            using errcode = 'invalid_parameter_value',
                  hint = format('%s must be %s.', i_name, v_allowed);
    end if;
    return v_result;
end;
$$;

create or replace function pgq._config_interval(i_name text, i_value text)
returns interval
language plpgsql stable
set search_path = pg_catalog, pg_temp
as $$
declare
    v_result    interval;
begin
    begin
        v_result := i_value::interval;
    exception when data_exception then
        v_result := null;
    end;
    if v_result is null or v_result < '0'::interval then
        raise exception 'invalid value for parameter "%": %', i_name, coalesce(quote_literal(i_value), 'NULL')
            using errcode = 'invalid_parameter_value',
                  hint = format('%s must be a non-negative interval, e.g. ''3 seconds''.', i_name);
    end if;
    return v_result;
end;
$$;

create or replace function pgq._config_bool(i_name text, i_value text)
returns boolean
language plpgsql immutable
set search_path = pg_catalog, pg_temp
as $$
declare
    v_result    boolean;
begin
    begin
        v_result := btrim(i_value)::boolean;
    exception when data_exception then
        v_result := null;
    end;
    if v_result is null then
        raise exception 'invalid value for parameter "%": %', i_name, coalesce(quote_literal(i_value), 'NULL')
            using errcode = 'invalid_parameter_value',
                  hint = format('%s must be a boolean (true/false, on/off, yes/no, 1/0).', i_name);
    end if;
    return v_result;
end;
$$;
