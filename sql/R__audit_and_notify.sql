-- The audit log and the change notifications: every change of a tenant table, through the
-- functions or by direct DML, is written to freezegate.audit_log and announced with
-- NOTIFY freezegate_tenant_changed (payload: the tenant key), so that every gateway applies it.
-- The triggers themselves are created by the numbered migrations.

-- Row trigger of every tenant table; TG_ARGV[0] names the column holding the tenant key ('key' or
-- 'tenant'). SECURITY DEFINER (owner: whoever ran the migrations), so that a role allowed to change
-- tenants needs no privilege on audit_log: the log is written by the triggers only. session_user
-- is still the real session's user. The public functions set the transaction-local setting
-- freezegate.operation to their name while they run (begin_operation), and the log records it.
CREATE OR REPLACE FUNCTION freezegate_private.audit_and_notify() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    old_json jsonb := CASE WHEN TG_OP IN ('UPDATE', 'DELETE') THEN to_jsonb(OLD) END;
    new_json jsonb := CASE WHEN TG_OP IN ('INSERT', 'UPDATE') THEN to_jsonb(NEW) END;
    old_key text := old_json ->> TG_ARGV[0];
    new_key text := new_json ->> TG_ARGV[0];
BEGIN
    INSERT INTO freezegate.audit_log (session_user_name, application_name, operation, table_name, tenant, old_row, new_row)
    VALUES (
        session_user,
        nullif(current_setting('application_name', true), ''),
        coalesce(nullif(current_setting('freezegate.operation', true), ''), TG_OP),
        TG_TABLE_NAME,
        coalesce(new_key, old_key),
        old_json,
        new_json);
    IF old_key IS NOT NULL THEN
        PERFORM pg_notify('freezegate_tenant_changed', old_key);
    END IF;
    IF new_key IS NOT NULL AND new_key IS DISTINCT FROM old_key THEN
        PERFORM pg_notify('freezegate_tenant_changed', new_key);
    END IF;
    RETURN NULL;
END
$$;

-- TRUNCATE fires no row triggers: audit it once per affected tenant (old_row/new_row NULL) and
-- announce every affected tenant, before the rows are gone.
CREATE OR REPLACE FUNCTION freezegate_private.audit_and_notify_truncate() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    affected text;
BEGIN
    FOR affected IN EXECUTE format('SELECT DISTINCT %I FROM %I.%I', TG_ARGV[0], TG_TABLE_SCHEMA, TG_TABLE_NAME) LOOP
        INSERT INTO freezegate.audit_log (session_user_name, application_name, operation, table_name, tenant)
        VALUES (
            session_user,
            nullif(current_setting('application_name', true), ''),
            coalesce(nullif(current_setting('freezegate.operation', true), ''), TG_OP),
            TG_TABLE_NAME,
            affected);
        PERFORM pg_notify('freezegate_tenant_changed', affected);
    END LOOP;
    RETURN NULL;
END
$$;
