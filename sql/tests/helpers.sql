-- Assertion helpers for the psql scenario suite (sql/tests/run.sh). Not a migration.
CREATE SCHEMA fg_test;

-- Runs the statement, expects it to fail with the SQLSTATE; returns the error message.
-- The statement runs in a subtransaction, which is rolled back like a failed top-level statement.
CREATE FUNCTION fg_test.expect_error(stmt text, expected_state text) RETURNS text
    LANGUAGE plpgsql AS $$
DECLARE
    state text;
    msg text;
BEGIN
    BEGIN
        EXECUTE stmt;
    EXCEPTION WHEN OTHERS THEN
        GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
        IF state <> expected_state THEN
            RAISE EXCEPTION 'expected SQLSTATE % but got % (%) from: %', expected_state, state, msg, stmt;
        END IF;
        RETURN msg;
    END;
    RAISE EXCEPTION 'expected SQLSTATE % but the statement succeeded: %', expected_state, stmt;
END
$$;

CREATE FUNCTION fg_test.expect_eq(actual anycompatible, expected anycompatible, what text) RETURNS void
    LANGUAGE plpgsql AS $$
BEGIN
    IF actual IS DISTINCT FROM expected THEN
        RAISE EXCEPTION '%: expected %, got %', what, coalesce(expected::text, 'NULL'), coalesce(actual::text, 'NULL');
    END IF;
END
$$;

-- Every row of every freezegate table, as text, to compare before/after a rejected call.
CREATE FUNCTION fg_test.dump() RETURNS text
    LANGUAGE sql AS $$
    SELECT concat_ws(E'\n',
        (SELECT string_agg(to_jsonb(t)::text, E'\n' ORDER BY t.key) FROM freezegate.tenants t),
        (SELECT string_agg(to_jsonb(d)::text, E'\n' ORDER BY d.domain) FROM freezegate.domains d),
        (SELECT string_agg(to_jsonb(f)::text, E'\n' ORDER BY f.id) FROM freezegate.freezes f),
        (SELECT string_agg(to_jsonb(p)::text, E'\n' ORDER BY p.id) FROM freezegate.payments p),
        (SELECT string_agg(to_jsonb(a)::text, E'\n' ORDER BY a.id) FROM freezegate.audit_log a))
$$;

CREATE FUNCTION fg_test.state_of(key text, at timestamptz) RETURNS text
    LANGUAGE sql AS $$
    SELECT s.state FROM freezegate.tenant_status_at($2) s WHERE s.tenant = $1
$$;

CREATE FUNCTION fg_test.paid_until(key text) RETURNS timestamptz
    LANGUAGE sql AS $$
    SELECT t.paid_until FROM freezegate.tenants t WHERE t.key = $1
$$;
