-- Every change to tenants, domains, freezes and payments -- through the functions or by hand -- is
-- written to freezegate.audit_log and announced with NOTIFY freezegate_tenant_changed, '<tenant key>'.
-- Both are done by row triggers, so direct DML by operations staff is covered too.

CREATE TABLE freezegate.audit_log (
    id bigserial PRIMARY KEY,
    at timestamptz NOT NULL DEFAULT clock_timestamp(),
    -- session_user of the writer (named so because "session_user" is an SQL keyword).
    session_user_name text NOT NULL DEFAULT session_user,
    application_name text,
    -- The freezegate function (create_tenant, request_freeze, ...) or, for direct DML, INSERT/UPDATE/DELETE.
    operation text NOT NULL,
    table_name text NOT NULL,
    tenant text,
    old_row jsonb,
    new_row jsonb
);

CREATE INDEX audit_log_tenant_at_idx ON freezegate.audit_log (tenant, at);

COMMENT ON TABLE freezegate.audit_log IS
    'Who changed what: one row per changed row of tenants, domains, freezes, payments.';

-- Trigger function; TG_ARGV[0] names the column holding the tenant key ('key' or 'tenant').
-- SECURITY DEFINER (owner: whoever ran the migrations), so that a role allowed to change tenants
-- needs no privilege on audit_log: the log is written by the triggers only. session_user is
-- still the real session's user.
-- The functions of 0004 set the transaction-local setting freezegate.operation to their name while
-- they run (and put the previous value back before they return).
CREATE FUNCTION freezegate.audit_and_notify() RETURNS trigger
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

CREATE TRIGGER tenants_audit_insert_delete AFTER INSERT OR DELETE ON freezegate.tenants
    FOR EACH ROW EXECUTE FUNCTION freezegate.audit_and_notify('key');
CREATE TRIGGER tenants_audit_update AFTER UPDATE ON freezegate.tenants
    FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION freezegate.audit_and_notify('key');

CREATE TRIGGER domains_audit_insert_delete AFTER INSERT OR DELETE ON freezegate.domains
    FOR EACH ROW EXECUTE FUNCTION freezegate.audit_and_notify('tenant');
CREATE TRIGGER domains_audit_update AFTER UPDATE ON freezegate.domains
    FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION freezegate.audit_and_notify('tenant');

CREATE TRIGGER freezes_audit_insert_delete AFTER INSERT OR DELETE ON freezegate.freezes
    FOR EACH ROW EXECUTE FUNCTION freezegate.audit_and_notify('tenant');
CREATE TRIGGER freezes_audit_update AFTER UPDATE ON freezegate.freezes
    FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION freezegate.audit_and_notify('tenant');

CREATE TRIGGER payments_audit_insert_delete AFTER INSERT OR DELETE ON freezegate.payments
    FOR EACH ROW EXECUTE FUNCTION freezegate.audit_and_notify('tenant');
CREATE TRIGGER payments_audit_update AFTER UPDATE ON freezegate.payments
    FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION freezegate.audit_and_notify('tenant');

-- TRUNCATE fires no row triggers: audit it once per affected tenant (old_row/new_row NULL) and
-- announce every affected tenant, before the rows are gone.
CREATE FUNCTION freezegate.audit_and_notify_truncate() RETURNS trigger
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

CREATE TRIGGER tenants_audit_truncate BEFORE TRUNCATE ON freezegate.tenants
    FOR EACH STATEMENT EXECUTE FUNCTION freezegate.audit_and_notify_truncate('key');
CREATE TRIGGER domains_audit_truncate BEFORE TRUNCATE ON freezegate.domains
    FOR EACH STATEMENT EXECUTE FUNCTION freezegate.audit_and_notify_truncate('tenant');
CREATE TRIGGER freezes_audit_truncate BEFORE TRUNCATE ON freezegate.freezes
    FOR EACH STATEMENT EXECUTE FUNCTION freezegate.audit_and_notify_truncate('tenant');
CREATE TRIGGER payments_audit_truncate BEFORE TRUNCATE ON freezegate.payments
    FOR EACH STATEMENT EXECUTE FUNCTION freezegate.audit_and_notify_truncate('tenant');
