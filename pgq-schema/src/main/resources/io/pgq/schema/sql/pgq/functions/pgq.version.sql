-- pgq.version(): schema version string.  Starts with "3." so pgqd accepts the database
-- (pgqd ignores databases whose version does not start with '3' or higher).
CREATE OR REPLACE FUNCTION pgq.version()
RETURNS text
LANGUAGE sql
AS $$
    select '3.5.2-pgq-java.4'::text;
$$;
