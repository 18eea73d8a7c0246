-- The group roles of 0010: freezegate_gateway reads what the snapshot reads and may LISTEN, nothing
-- else; freezegate_ops executes every function; the internals (schema freezegate_private, 0014) are
-- out of PUBLIC's reach.
-- The checks cover every function of both schemas, including those of later migrations: a new
-- function that fails them must be granted to freezegate_ops, or be internal (in
-- freezegate_private) and revoked from PUBLIC.

SELECT fg_test.expect_eq(
    (SELECT coalesce(array_agg(p.oid::regprocedure::text ORDER BY 1), '{}')
     FROM pg_proc AS p
     WHERE p.pronamespace IN ('freezegate'::regnamespace, 'freezegate_private'::regnamespace)
       AND NOT has_function_privilege('freezegate_ops', p.oid, 'EXECUTE')),
    '{}'::text[],
    'functions freezegate_ops may not execute');
SELECT fg_test.expect_eq(has_schema_privilege('freezegate_ops', 'freezegate_private', 'USAGE'), true, 'ops use the internals');
SELECT fg_test.expect_eq(has_schema_privilege('public', 'freezegate_private', 'USAGE'), false, 'PUBLIC has no USAGE on the internals');
SELECT fg_test.expect_eq(has_schema_privilege('freezegate_gateway', 'freezegate_private', 'USAGE'), false, 'nor has the gateway');
SELECT fg_test.expect_eq(
    (SELECT coalesce(array_agg(p.oid::regprocedure::text ORDER BY 1), '{}')
     FROM pg_proc AS p
     WHERE p.pronamespace = 'freezegate_private'::regnamespace
       AND has_function_privilege('public', p.oid, 'EXECUTE')),
    '{}'::text[],
    'internal functions executable by PUBLIC');
-- Schema freezegate is the public interface only: no helper and no trigger function is left there.
SELECT fg_test.expect_eq(
    (SELECT coalesce(array_agg(p.oid::regprocedure::text ORDER BY 1), '{}')
     FROM pg_proc AS p
     WHERE p.pronamespace = 'freezegate'::regnamespace
       AND (p.proname LIKE '\_%' OR p.prorettype = 'trigger'::regtype)),
    '{}'::text[],
    'internal functions in schema freezegate');
-- The checks above are not vacuous: the internal functions exist, trigger functions among them.
SELECT fg_test.expect_eq(
    (SELECT count(*) >= 20 AND bool_or(p.prorettype = 'trigger'::regtype) FROM pg_proc AS p
     WHERE p.pronamespace = 'freezegate_private'::regnamespace),
    true, 'internal functions found');
SELECT fg_test.expect_eq(
    (SELECT array_agg(rolname::text ORDER BY rolname) FROM pg_roles
     WHERE rolname IN ('freezegate_gateway', 'freezegate_ops') AND NOT rolcanlogin),
    ARRAY['freezegate_gateway', 'freezegate_ops'], 'the group roles, NOLOGIN');

GRANT USAGE ON SCHEMA fg_test TO freezegate_gateway, freezegate_ops, fg_nobody;  -- the assertion functions

SELECT freezegate.create_tenant('acme', 'o@acme.example', '2031-12-01Z', '2031-01-01Z');
SELECT freezegate.add_domain('acme', 'crm.acme.example', '2031-01-01Z');
SELECT freezegate.force_freeze('acme', '2031-02-01Z', '2031-03-01Z', 'flood', '2031-01-01Z');

-- The gateway: the snapshot (both forms) and LISTEN work; nothing else does.
SET ROLE freezegate_gateway;
SELECT fg_test.expect_eq(
    (SELECT row(tenant, domains, cardinality(freeze_ids))::text FROM freezegate.snapshot_tenants('2031-01-15Z'::timestamptz)),
    row('acme', '{crm.acme.example}'::text[], 1)::text, 'snapshot as the gateway');
SELECT fg_test.expect_eq(
    (SELECT count(*) FROM freezegate.snapshot_tenants('{acme,nobody}'::text[], '2031-01-15Z'::timestamptz)),
    1::bigint, 'snapshot by keys as the gateway');
LISTEN freezegate_tenant_changed;
UNLISTEN *;
-- The e-mail requests' counts for its metrics (0011), without the requests themselves.
SELECT fg_test.expect_eq((SELECT count(*) FROM freezegate.mail_request_counts()), 0::bigint, 'mail counts as the gateway');
SELECT fg_test.expect_error($$SELECT * FROM freezegate.payments$$, '42501');
SELECT fg_test.expect_error($$SELECT * FROM freezegate.freeze_requests$$, '42501');
SELECT fg_test.expect_error($$SELECT * FROM freezegate.audit_log$$, '42501');
SELECT fg_test.expect_error($$SELECT * FROM freezegate.tenant_status$$, '42501');
SELECT fg_test.expect_error($$UPDATE freezegate.tenants SET owner_email = 'x@y.example'$$, '42501');
SELECT fg_test.expect_error($$DELETE FROM freezegate.domains$$, '42501');
SELECT fg_test.expect_error($$SELECT freezegate.create_tenant('beta', 'o@beta.example', '2031-12-01Z')$$, '42501');
SELECT fg_test.expect_error($$SELECT freezegate.unfreeze('acme', '2031-02-10Z')$$, '42501');
SELECT fg_test.expect_error($$SELECT freezegate_private.lock_tenant('acme')$$, '42501');
SELECT fg_test.expect_error($$SELECT freezegate_private.same_email('a@b.example', 'a@b.example')$$, '42501');
RESET ROLE;

-- Operators: every function and the status view; still nothing on the audit log.
SET ROLE freezegate_ops;
SELECT freezegate.create_tenant('beta', 'o@beta.example', '2031-12-01Z', '2031-01-01Z');
SELECT freezegate.add_domain('beta', 'crm.beta.example', '2031-01-01Z');
SELECT freezegate.record_payment('beta', 30, '2031-01-01Z');
SELECT freezegate.request_freeze('beta', '2031-02-01Z', '2031-03-05Z', 'o@beta.example', false, '2031-01-01Z');
SELECT freezegate.set_upstream_group('beta', 's21', '2031-01-01Z');
SELECT freezegate.unfreeze('acme', '2031-02-10Z');
SELECT outcome FROM freezegate.record_mail_request('<m1@beta.example>', 'o@beta.example', true, '{beta}',
    '2031-04-01', '2031-04-09', '{}', true, 'role test', 'UTC', '2031-01-02Z');
SELECT freezegate.set_time_zone('beta', 'Europe/Berlin', '2031-01-01Z');
SELECT fg_test.expect_eq((SELECT state FROM freezegate.tenant_status WHERE tenant = 'beta'), 'active', 'status view as ops');
SELECT fg_test.expect_eq((SELECT count(*) FROM freezegate.freeze_requests), 1::bigint, 'mail request recorded by ops');
SELECT fg_test.expect_error($$SELECT * FROM freezegate.audit_log$$, '42501');
SELECT fg_test.expect_error($$DELETE FROM freezegate.audit_log$$, '42501');
RESET ROLE;

-- An ordinary role with no group role: no internal function, no table.
GRANT USAGE ON SCHEMA freezegate TO fg_nobody;
SET ROLE fg_nobody;
SELECT fg_test.expect_error($$SELECT freezegate_private.lock_tenant('acme')$$, '42501');
SELECT fg_test.expect_error($$SELECT freezegate_private.duration_text('1 day')$$, '42501');
SELECT fg_test.expect_error($$SELECT * FROM freezegate.snapshot_tenants()$$, '42501');
RESET ROLE;
