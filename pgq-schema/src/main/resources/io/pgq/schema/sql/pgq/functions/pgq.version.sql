-- pgq.version(): schema version string.  Starts with "3." so pgqd accepts the database
-- (pgqd ignores databases whose version does not start with '3' or higher).
create or replace function pgq.version()
returns text
language sql
as $$
    select '3.5.2-pgq-java.16'::text;
$$;
