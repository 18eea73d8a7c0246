-- A rejected call leaves every table (tenants, domains, freezes, payments, audit_log) as it was.
-- The calls below fail as top-level statements, exactly as they would from a client.
\set at '''2031-01-01Z'''
SELECT freezegate.create_tenant('acme', 'o@acme.example', timestamptz :at + interval '20 days', :at);
SELECT freezegate.create_tenant('late', 'o@late.example', '2030-12-01Z', '2030-01-01Z');
SELECT freezegate.add_domain('acme', 'crm.acme.example', :at);
SELECT freezegate.request_freeze('acme', '2031-02-01Z', '2031-03-15Z', 'o@acme.example', false, :at) AS a_id \gset
SELECT freezegate.record_payment('acme', 10, :at);
SELECT fg_test.dump() AS before \gset

\set ON_ERROR_STOP 0
SELECT freezegate.request_freeze('acme', '2031-06-01Z', '2031-07-15Z', 'intruder@acme.example', false, :at);
SELECT fg_test.expect_eq(:'LAST_ERROR_SQLSTATE', 'FG001', 'rule 1 failed');
SELECT freezegate.request_freeze('acme', '2031-06-01Z', '2031-06-15Z', 'o@acme.example', false, :at);
SELECT fg_test.expect_eq(:'LAST_ERROR_SQLSTATE', 'FG002', 'rule 2 failed');
SELECT freezegate.request_freeze('acme', '2031-06-01Z', '2031-08-01Z', 'o@acme.example', false, :at);
SELECT fg_test.expect_eq(:'LAST_ERROR_SQLSTATE', 'FG003', 'rule 3 failed');
SELECT freezegate.request_freeze('acme', '2031-01-05Z', '2031-02-01Z', 'o@acme.example', true, :at);
SELECT fg_test.expect_eq(:'LAST_ERROR_SQLSTATE', 'FG002', 'rule 2 failed with a month');
SELECT freezegate.request_freeze('acme', '2031-01-20Z', '2031-02-20Z', 'o@acme.example', true, :at);
SELECT fg_test.expect_eq(:'LAST_ERROR_SQLSTATE', 'FG006', 'rule 6 overlap failed, month not paid');
SELECT freezegate.request_freeze('late', '2031-04-01Z', '2031-05-01Z', 'o@late.example', false, :at);
SELECT fg_test.expect_eq(:'LAST_ERROR_SQLSTATE', 'FG005', 'rule 5 failed');
SELECT freezegate.request_freeze('late', '2030-12-31Z', '2031-02-01Z', 'o@late.example', true, :at);
SELECT fg_test.expect_eq(:'LAST_ERROR_SQLSTATE', 'FG007', 'rule 6 past failed, month not paid');
SELECT freezegate.cancel_freeze(:a_id, '2031-02-02Z');
SELECT fg_test.expect_eq(:'LAST_ERROR_SQLSTATE', 'FG012', 'cancel failed');
SELECT freezegate.unfreeze('acme', '2031-01-02Z');
SELECT fg_test.expect_eq(:'LAST_ERROR_SQLSTATE', 'FG013', 'unfreeze failed');
SELECT freezegate.force_freeze('acme', '2031-03-01Z', '2031-04-01Z', 'x', :at);
SELECT fg_test.expect_eq(:'LAST_ERROR_SQLSTATE', 'FG006', 'force failed');
SELECT freezegate.record_payment('acme', 0, :at);
SELECT fg_test.expect_eq(:'LAST_ERROR_SQLSTATE', 'FG014', 'payment failed');
SELECT freezegate.add_domain('late', 'CRM.acme.example.', :at);
SELECT fg_test.expect_eq(:'LAST_ERROR_SQLSTATE', 'FG015', 'domain taken');
SELECT freezegate.create_tenant('acme', 'x@y.example', :at, :at);
SELECT fg_test.expect_eq(:'LAST_ERROR_SQLSTATE', 'FG015', 'tenant exists');
-- direct DML whose second row violates a constraint: the audit row of the first goes too
INSERT INTO freezegate.freezes (tenant, starts_at, ends_at, requested_by)
VALUES ('late', '2031-06-01Z', '2031-07-01Z', 'ops'), ('late', '2031-06-15Z', '2031-07-15Z', 'ops');
SELECT fg_test.expect_eq(:'LAST_ERROR_SQLSTATE', '23P01', 'overlapping insert failed');
\set ON_ERROR_STOP 1

SELECT fg_test.expect_eq(fg_test.dump(), :'before', 'every table as it was');
