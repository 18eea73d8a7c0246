-- What every function shares. Conventions:
--  * every function takes a last "at timestamptz DEFAULT now()": the moment the operation is judged at;
--  * every function runs with TimeZone = UTC, so that "30 days" and calendar years are UTC days and
--    years, and names itself in the setting freezegate.operation for the audit trigger;
--  * every function that changes a tenant locks the tenant's row before it reads anything
--    (lock_tenant), so that two concurrent requests for one tenant are judged one after the other;
--  * every rule violation raises its own SQLSTATE of class FG (table in sql/README.md); an error
--    aborts the statement, so a rejected call changes nothing;
--  * every hint names the `freezegate tenant` command that helps, with the SQL as a second option.

-- Names the running function for the audit trigger (transaction-local setting freezegate.operation)
-- and returns the previous name, which the function puts back before it returns, so that later
-- DML in the same transaction is audited as INSERT/UPDATE/DELETE again. (A function-level
-- "SET freezegate.operation = ..." clause would be neater, but PostgreSQL 15 lets only superusers
-- create functions that set placeholder parameters.) On error the setting is rolled back with
-- the (sub)transaction.
CREATE OR REPLACE FUNCTION freezegate_private.begin_operation(name text) RETURNS text
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    previous text := coalesce(current_setting('freezegate.operation', true), '');
BEGIN
    PERFORM set_config('freezegate.operation', name, true);
    RETURN previous;
END
$$;

-- Puts back the operation name begin_operation returned.
CREATE OR REPLACE FUNCTION freezegate_private.end_operation(previous text) RETURNS void
    LANGUAGE sql VOLATILE
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT set_config('freezegate.operation', coalesce(previous, ''), true);
$$;

-- Locks the tenant's row and WRITES it, without changing a value (paid_until = paid_until), for
-- every isolation level: the write makes a new row version, so a concurrent transaction that
-- reaches the same tenant with a snapshot older than our commit fails with a serialization failure
-- (40001) under REPEATABLE READ and SERIALIZABLE, instead of judging the rules (e.g. rule 3's 90
-- days) without our freeze; under READ COMMITTED it waits and then reads our freeze. An UPDATE
-- that changes nothing is neither written to the audit log nor announced (the audit triggers
-- compare OLD and NEW).
CREATE OR REPLACE FUNCTION freezegate_private.lock_tenant(key text) RETURNS freezegate.tenants
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    locked freezegate.tenants;
BEGIN
    SELECT * INTO locked FROM freezegate.tenants AS t WHERE t.key = lock_tenant.key FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'FG010',
            MESSAGE = format('unknown tenant %s', coalesce(quote_literal(lock_tenant.key), 'NULL')),
            HINT = 'Tenant keys are lower-case DNS labels; list them with: freezegate tenant list (SQL: SELECT key FROM freezegate.tenants;).';
    END IF;
    UPDATE freezegate.tenants AS t SET paid_until = t.paid_until WHERE t.key = lock_tenant.key;
    RETURN locked;
END
$$;

-- Bad arguments get named errors (FG014), never a raw PostgreSQL error: every instant lies in
-- years 1 to 9999, and no payment or credit may move paid_until past 9999-12-31 23:59:59Z
-- (PostgreSQL's own limit is year 294276; a payment of 2^31 days overflowed it with 22008).
CREATE OR REPLACE FUNCTION freezegate_private.require_instant(value timestamptz, name text) RETURNS void
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF value IS NULL OR NOT isfinite(value) THEN
        RAISE EXCEPTION USING ERRCODE = 'FG014',
            MESSAGE = format('invalid argument: %s must be a finite timestamptz, got %s', name, coalesce(value::text, 'NULL'));
    END IF;
    IF value < timestamptz '0001-01-01 00:00:00Z' OR value >= timestamptz '10000-01-01 00:00:00Z' THEN
        RAISE EXCEPTION USING ERRCODE = 'FG014',
            MESSAGE = format('invalid argument: %s %s is outside the supported range 0001-01-01 00:00:00Z to 9999-12-31 23:59:59Z',
                name, value AT TIME ZONE 'UTC');
    END IF;
END
$$;

-- "2027-07-01 00:00:00Z": instants for error messages, always in UTC.
CREATE OR REPLACE FUNCTION freezegate_private.instant_text(t timestamptz) RETURNS text
    LANGUAGE sql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT coalesce(to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') || 'Z', 'NULL')
$$;

-- "29 days 23:59:59", "30 days", "1 day": figures for error messages.
CREATE OR REPLACE FUNCTION freezegate_private.duration_text(d interval) RETURNS text
    LANGUAGE sql IMMUTABLE
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT CASE WHEN s < 0 THEN '-' ELSE '' END
        || (abs(s) / 86400)::bigint::text
        || CASE WHEN abs(s) / 86400 = 1 THEN ' day' ELSE ' days' END
        || CASE WHEN abs(s) % 86400 = 0 THEN ''
                ELSE ' ' || to_char((abs(s) % 86400) * interval '1 second', 'HH24:MI:SS') END
    FROM (SELECT trunc(extract(epoch FROM d))::bigint AS s) AS seconds
$$;

-- Whether `value` is a value of `domain`, i.e. the domain's check constraints hold (NULL is not).
-- The domains of 0013 (tenant_key, email_address, host_name, upstream_group_name) are the one
-- definition of each shape; the functions test their arguments against them here, to raise FG014
-- with a message for people rather than the column's 23514.
CREATE OR REPLACE FUNCTION freezegate_private.is_of_domain(value text, domain regtype) RETURNS boolean
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF value IS NULL THEN
        RETURN false;
    END IF;
    EXECUTE format('SELECT $1::%s', domain) USING value;
    RETURN true;
EXCEPTION WHEN check_violation THEN
    RETURN false;
END
$$;

-- The internals are not PUBLIC's and are freezegate_ops' (as in R__freeze_rules.sql).
REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA freezegate_private FROM PUBLIC;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA freezegate_private TO freezegate_ops;
