-- Idempotent fix-ups, roles, generated insert functions (see pgq.upgrade_schema).
-- Must run before grants.sql, which needs the roles.
DO $$
begin
    perform pgq.upgrade_schema();
end;
$$;
