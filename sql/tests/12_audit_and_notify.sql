-- Every change, through a function or by direct DML, is audited and announced on
-- freezegate_tenant_changed with the tenant key as payload.
-- expect-output: Asynchronous notification "freezegate_tenant_changed" with payload "viafn" received
-- expect-output: Asynchronous notification "freezegate_tenant_changed" with payload "byhand" received
-- expect-output: Asynchronous notification "freezegate_tenant_changed" with payload "renamed" received
LISTEN freezegate_tenant_changed;
SET application_name = 'fg-test-ops';
\set at '''2031-01-01Z'''

-- through the functions (request_freeze inserts the freeze, then settles its credited paid time)
SELECT freezegate.create_tenant('viafn', 'o@viafn.example', '2031-12-01Z', :at);
SELECT freezegate.request_freeze('viafn', '2031-02-01Z', '2031-03-15Z', 'o@viafn.example', false, :at);
SELECT fg_test.expect_eq(
    (SELECT array_agg(row(operation, table_name, tenant, session_user_name, application_name, old_row IS NULL, new_row IS NULL)::text ORDER BY id)
     FROM freezegate.audit_log),
    ARRAY[
        row('create_tenant', 'tenants', 'viafn', session_user::text, 'fg-test-ops', true, false)::text,
        row('request_freeze', 'freezes', 'viafn', session_user::text, 'fg-test-ops', true, false)::text,
        row('request_freeze', 'freezes', 'viafn', session_user::text, 'fg-test-ops', false, false)::text,
        row('request_freeze', 'tenants', 'viafn', session_user::text, 'fg-test-ops', false, false)::text],
    'audit rows of the functions');
SELECT fg_test.expect_eq(
    (SELECT row(old_row ->> 'paid_until', new_row ->> 'paid_until')::text FROM freezegate.audit_log WHERE table_name = 'tenants' AND operation = 'request_freeze'),
    row('2031-12-01T00:00:00+00:00', '2032-01-12T00:00:00+00:00')::text, 'old and new row as jsonb');

-- by hand
INSERT INTO freezegate.tenants (key, owner_email, paid_until) VALUES ('byhand', 'o@byhand.example', '2031-12-01Z');
UPDATE freezegate.tenants SET owner_email = 'new@byhand.example' WHERE key = 'byhand';
UPDATE freezegate.tenants SET owner_email = owner_email WHERE key = 'byhand';  -- no change, no audit row
INSERT INTO freezegate.domains (domain, tenant) VALUES ('crm.byhand.example', 'byhand');
DELETE FROM freezegate.domains WHERE domain = 'crm.byhand.example';
SELECT fg_test.expect_eq(
    (SELECT array_agg(row(operation, table_name, tenant, old_row ->> 'owner_email', new_row ->> 'owner_email', new_row ->> 'domain')::text ORDER BY id)
     FROM freezegate.audit_log WHERE tenant = 'byhand'),
    ARRAY[
        row('INSERT', 'tenants', 'byhand', NULL, 'o@byhand.example', NULL)::text,
        row('UPDATE', 'tenants', 'byhand', 'o@byhand.example', 'new@byhand.example', NULL)::text,
        row('INSERT', 'domains', 'byhand', NULL, NULL, 'crm.byhand.example')::text,
        row('DELETE', 'domains', 'byhand', NULL, NULL, NULL)::text],
    'audit rows of direct DML');

-- a function's name does not stick to later DML in the same transaction
BEGIN;
SELECT freezegate.record_payment('viafn', 5, :at);
UPDATE freezegate.tenants SET owner_email = 'boss@viafn.example' WHERE key = 'viafn';
COMMIT;
SELECT fg_test.expect_eq(
    (SELECT array_agg(row(operation, table_name)::text ORDER BY id) FROM (SELECT * FROM freezegate.audit_log WHERE tenant = 'viafn' ORDER BY id DESC LIMIT 3) AS last),
    ARRAY[row('record_payment', 'payments')::text, row('record_payment', 'tenants')::text, row('UPDATE', 'tenants')::text],
    'operation per statement');

-- renaming a tenant cascades and announces both keys; deleting cascades and is audited row by row
UPDATE freezegate.tenants SET key = 'renamed' WHERE key = 'viafn';
SELECT fg_test.expect_eq((SELECT count(*) FROM freezegate.freezes WHERE tenant = 'renamed'), 1::bigint, 'freezes follow the key');
DELETE FROM freezegate.tenants WHERE key = 'renamed';
SELECT fg_test.expect_eq(
    (SELECT array_agg(DISTINCT table_name ORDER BY table_name) FROM freezegate.audit_log WHERE operation = 'DELETE' AND tenant = 'renamed'),
    ARRAY['freezes', 'payments', 'tenants'], 'cascaded deletes audited');

-- TRUNCATE is audited per tenant
SELECT freezegate.record_payment('byhand', 5, :at);
TRUNCATE freezegate.payments;
SELECT fg_test.expect_eq((SELECT count(*) FROM freezegate.audit_log WHERE operation = 'TRUNCATE' AND table_name = 'payments' AND tenant = 'byhand'), 1::bigint, 'truncate audited');
