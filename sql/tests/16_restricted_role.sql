-- A role with privileges on the tables and functions but none on audit_log can change tenants; the
-- audit rows are still written (the trigger functions are SECURITY DEFINER), and it cannot touch
-- the log itself. session_user is recorded, not the role set with SET ROLE.
GRANT USAGE ON SCHEMA freezegate TO fg_ops;
GRANT SELECT, INSERT, UPDATE, DELETE ON freezegate.tenants, freezegate.domains, freezegate.freezes, freezegate.payments TO fg_ops;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA freezegate TO fg_ops;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA freezegate TO fg_ops;  -- the internal ones are not PUBLIC's
-- and the internals the functions are built from (freezegate_private, not PUBLIC's)
GRANT USAGE ON SCHEMA freezegate_private TO fg_ops;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA freezegate_private TO fg_ops;
REVOKE ALL ON freezegate.audit_log FROM fg_ops;
GRANT USAGE ON SCHEMA fg_test TO fg_ops;  -- the assertion helpers

SET ROLE fg_ops;
SELECT freezegate.create_tenant('acme', 'o@acme.example', '2031-12-01Z', '2031-01-01Z');
SELECT freezegate.request_freeze('acme', '2031-02-01Z', '2031-03-15Z', 'o@acme.example', false, '2031-01-01Z');
UPDATE freezegate.tenants SET owner_email = 'new@acme.example' WHERE key = 'acme';
SELECT fg_test.expect_error($$SELECT count(*) FROM freezegate.audit_log$$, '42501');
SELECT fg_test.expect_error($$INSERT INTO freezegate.audit_log (operation, table_name) VALUES ('forged', 'tenants')$$, '42501');
SELECT fg_test.expect_error($$DELETE FROM freezegate.audit_log$$, '42501');
RESET ROLE;

SELECT fg_test.expect_eq(
    (SELECT array_agg(row(operation, table_name, session_user_name)::text ORDER BY id) FROM freezegate.audit_log),
    ARRAY[row('create_tenant', 'tenants', 'fg_app')::text, row('request_freeze', 'freezes', 'fg_app')::text,
          row('request_freeze', 'freezes', 'fg_app')::text, row('request_freeze', 'tenants', 'fg_app')::text,
          row('UPDATE', 'tenants', 'fg_app')::text],
    'audited while running as fg_ops');
