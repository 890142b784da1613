-- pgq.jsontriga(): change-capture trigger sending one event per row change (and one per
-- TRUNCATE) to the queue named by the first trigger argument, as JSON:
--   ev_type   {"op":"INSERT|UPDATE|DELETE|TRUNCATE","table":["schema","table"],"pkey":["col",...]}
--   ev_data   {"col":value,...} in column order (see pgq._trg_json_row for the encoding), '{}' for TRUNCATE
--   ev_extra1 'schema.table'; ev_extra2 the old row as JSON with 'backup' (UPDATE)
-- Arguments as for pgq.logutriga().
--
-- Fast path: with only the queue argument and a table of the kinds 'r' and 'q' of
-- pgq._trg_json_meta (plain scalar columns, no _pgq_ev_* column), the data is row_to_json()
-- of the row (numbers of numeric/float columns turned into strings by one regexp_replace),
-- without dynamic SQL. The table's metadata comes from pgq._trg_meta_cached(), a per-session
-- cache that every DDL command invalidates (pgq._trg_ddl_watch); only a cache miss reads the
-- catalogs. Other row changes go through pgq._trg_fast() where it can, else pgq._trg_event().
create or replace function pgq.jsontriga()
returns trigger
language plpgsql
as $$
declare
    v_meta text[];
    v_skip boolean;
    v_data text;
    v_old json;
    v_ev_id bigint;
    v_name text;
begin
    if TG_NARGS = 1 and TG_LEVEL = 'ROW' then
        if pg_catalog.current_setting('session_replication_role') = 'local' then
            if TG_WHEN <> 'BEFORE' then
                return null;
            elsif TG_OP = 'DELETE' then
                return OLD;
            end if;
            return NEW;
        end if;

        v_meta := pgq._trg_meta_cached(TG_RELID, 'j');
        if v_meta[2] <> 'g' then
            if TG_OP = 'INSERT' then
                v_data := pg_catalog.row_to_json(NEW)::text;
            elsif v_meta[3] = '[]' then
                raise exception 'Update/Delete on table without pkey';
            elsif TG_OP = 'DELETE' then
                v_data := pg_catalog.row_to_json(OLD)::text;
            else
                -- these types encode equal values identically, except interval: ask "=" then
                v_data := pg_catalog.row_to_json(NEW)::text;
                v_old := pg_catalog.row_to_json(OLD);
                foreach v_name in array v_meta[5:] loop
                    if (v_data::json operator(pg_catalog.->>) v_name) is distinct from (v_old operator(pg_catalog.->>) v_name)
                       and not pgq._trg_values_equal(OLD, NEW, v_name) then
                        raise exception 'primary key update not allowed';
                    end if;
                end loop;
            end if;
            if v_meta[2] = 'q' then
                v_data := pg_catalog.regexp_replace(v_data, v_meta[4], '\1"\2"', 'g');
            end if;
            -- (an assignment, not PERFORM: PL/pgSQL evaluates it without starting a query)
            v_ev_id := pgq.insert_event(TG_ARGV[0],
                                     '{"op":"' || TG_OP || '","table":[' || pg_catalog.to_json(TG_TABLE_SCHEMA)::text
                                         || ',' || pg_catalog.to_json(TG_TABLE_NAME)::text || '],"pkey":' || v_meta[3] || '}',
                                     v_data, TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME, null, null, null);
            if TG_WHEN <> 'BEFORE' then
                return null;
            elsif TG_OP = 'DELETE' then
                return OLD;
            end if;
            return NEW;
        end if;
    end if;

    if TG_LEVEL = 'ROW' and TG_NARGS > 0
       and pg_catalog.current_setting('session_replication_role') <> 'local' then
        v_skip := pgq._trg_fast('jsontriga', TG_WHEN, TG_OP, TG_TABLE_SCHEMA, TG_TABLE_NAME, TG_ARGV,
                                pgq._trg_meta_cached(TG_RELID, 'r'), NEW, OLD);
    end if;
    if v_skip is null then
        v_skip := pgq._trg_event('jsontriga', TG_WHEN, TG_LEVEL, TG_OP, TG_RELID, TG_TABLE_SCHEMA, TG_TABLE_NAME,
                                 TG_ARGV, NEW, OLD);
    end if;
    if v_skip then
        return null;  -- SKIP
    elsif TG_WHEN <> 'BEFORE' or TG_LEVEL <> 'ROW' then
        return null;
    elsif TG_OP = 'DELETE' then
        return OLD;
    end if;
    return NEW;
end;
$$;
