-- pgq_coop.version(): version of this pgq_coop implementation.
create or replace function pgq_coop.version()
returns text
language sql immutable
as $$
    select '3.4.0-pgq-java.1'::text;
$$;
