-- Two group roles (NOLOGIN) that carry the privileges, to be granted to login roles:
--
--   freezegate_gateway  what `freezegate serve` needs and nothing else: USAGE on the schema, SELECT on
--                       the tables snapshot_tenants reads (tenants, domains, freezes), EXECUTE on
--                       snapshot_tenants. LISTEN needs no privilege. No write privilege at all.
--   freezegate_ops      what the ops CLI, `freezegate intake mail` and psql operators need: EXECUTE on
--                       every function of the schema (the public functions are SECURITY INVOKER and
--                       call the internal ones), SELECT/INSERT/UPDATE/DELETE on the tenant tables and
--                       freeze_requests, the sequences. Nothing on audit_log (the audit triggers are
--                       SECURITY DEFINER: an operator can neither read, forge nor delete the log;
--                       grant SELECT on it to a role that reviews it) nor on schema_migrations.
--
-- Roles belong to the cluster, not the database: they are created when missing (a concurrent
-- migration of another database may create them first) and shared by every FreezeGate database of
-- the cluster; their privileges are granted per database. Creating them needs CREATEROLE: a
-- migrating role without it stops here with a hint, and an administrator creates them once.
--
-- Internal functions (names starting with '_', and the trigger functions) are not executable by
-- PUBLIC: only the owner and freezegate_ops, through the public functions. PostgreSQL grants EXECUTE
-- to PUBLIC on every new function, so default privileges keep that true for the functions later
-- migrations create (sql/tests/30_group_roles.sql checks every function of the schema).

DO $$
DECLARE
    group_role text;
BEGIN
    FOREACH group_role IN ARRAY ARRAY['freezegate_gateway', 'freezegate_ops'] LOOP
        CONTINUE WHEN EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = group_role);
        BEGIN
            EXECUTE format('CREATE ROLE %I NOLOGIN', group_role);
        EXCEPTION
            WHEN duplicate_object OR unique_violation THEN
                NULL;  -- created meanwhile by a migration of another database of the cluster
            WHEN insufficient_privilege THEN
                RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege',
                    MESSAGE = format('role %s does not exist and %s may not create roles', group_role, current_user),
                    HINT = 'Create the group roles once as a role with CREATEROLE: CREATE ROLE freezegate_gateway NOLOGIN; CREATE ROLE freezegate_ops NOLOGIN; then run freezegate migrate again.';
        END;
    END LOOP;
END
$$;

-- The gateway: the snapshot's reads and nothing else.
GRANT USAGE ON SCHEMA freezegate TO freezegate_gateway;
GRANT SELECT ON freezegate.tenants, freezegate.domains, freezegate.freezes TO freezegate_gateway;
GRANT EXECUTE ON FUNCTION freezegate.snapshot_tenants(timestamptz),
                          freezegate.snapshot_tenants(text[], timestamptz) TO freezegate_gateway;

-- Operators: the functions, the tables they change, the status view, the mail requests.
GRANT USAGE ON SCHEMA freezegate TO freezegate_ops;
GRANT SELECT, INSERT, UPDATE, DELETE
    ON freezegate.tenants, freezegate.domains, freezegate.freezes, freezegate.payments, freezegate.freeze_requests
    TO freezegate_ops;
GRANT SELECT ON freezegate.tenant_status TO freezegate_ops;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA freezegate TO freezegate_ops;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA freezegate TO freezegate_ops;

-- Internal functions: not for PUBLIC.
DO $$
DECLARE
    internal regprocedure;
BEGIN
    FOR internal IN
        SELECT p.oid::regprocedure
        FROM pg_catalog.pg_proc AS p
        WHERE p.pronamespace = 'freezegate'::regnamespace
          AND (p.proname LIKE '\_%' OR p.prorettype = 'pg_catalog.trigger'::regtype)
    LOOP
        EXECUTE format('REVOKE EXECUTE ON FUNCTION %s FROM PUBLIC', internal);
    END LOOP;
END
$$;

-- Functions and sequences created later by the role that runs the migrations: operators may use
-- them. (PUBLIC still gets EXECUTE on a new function; a migration that adds an internal one revokes
-- it, as above.)
ALTER DEFAULT PRIVILEGES IN SCHEMA freezegate GRANT EXECUTE ON FUNCTIONS TO freezegate_ops;
ALTER DEFAULT PRIVILEGES IN SCHEMA freezegate GRANT USAGE, SELECT ON SEQUENCES TO freezegate_ops;
