-- Argument validation of the functions and the constraints that hold against direct DML.
\set at '''2031-01-01Z'''
-- tenant keys: DNS labels
SELECT freezegate.create_tenant('a', 'o@a.example', :at, :at);
SELECT freezegate.create_tenant(repeat('x', 63), 'o@x.example', :at, :at);
SELECT freezegate.create_tenant('a-1', 'o@a.example', :at, :at);
SELECT fg_test.expect_error($$SELECT freezegate.create_tenant('Acme', 'o@a.example', '2031-01-01Z', '2031-01-01Z')$$, 'FG014');
SELECT fg_test.expect_error($$SELECT freezegate.create_tenant('-acme', 'o@a.example', '2031-01-01Z', '2031-01-01Z')$$, 'FG014');
SELECT fg_test.expect_error($$SELECT freezegate.create_tenant('acme-', 'o@a.example', '2031-01-01Z', '2031-01-01Z')$$, 'FG014');
SELECT fg_test.expect_error($$SELECT freezegate.create_tenant('ac.me', 'o@a.example', '2031-01-01Z', '2031-01-01Z')$$, 'FG014');
SELECT fg_test.expect_error($$SELECT freezegate.create_tenant('', 'o@a.example', '2031-01-01Z', '2031-01-01Z')$$, 'FG014');
SELECT fg_test.expect_error(format('SELECT freezegate.create_tenant(%L, %L, %L, %L)', repeat('x', 64), 'o@a.example', '2031-01-01Z', '2031-01-01Z'), 'FG014');
SELECT fg_test.expect_error($$SELECT freezegate.create_tenant(NULL, 'o@a.example', '2031-01-01Z', '2031-01-01Z')$$, 'FG014');
-- e-mails
SELECT fg_test.expect_error($$SELECT freezegate.create_tenant('b', 'no-at-sign', '2031-01-01Z', '2031-01-01Z')$$, 'FG014');
SELECT fg_test.expect_error($$SELECT freezegate.create_tenant('b', 'two@at@signs.example', '2031-01-01Z', '2031-01-01Z')$$, 'FG014');
SELECT fg_test.expect_error($$SELECT freezegate.create_tenant('b', 'o@nodot', '2031-01-01Z', '2031-01-01Z')$$, 'FG014');
SELECT fg_test.expect_error($$SELECT freezegate.create_tenant('b', 'white space@b.example', '2031-01-01Z', '2031-01-01Z')$$, 'FG014');
SELECT fg_test.expect_error($$SELECT freezegate.create_tenant('b', NULL, '2031-01-01Z', '2031-01-01Z')$$, 'FG014');
SELECT fg_test.expect_error($$SELECT freezegate.create_tenant('b', 'o@b.example', NULL, '2031-01-01Z')$$, 'FG014');
SELECT fg_test.expect_error($$SELECT freezegate.create_tenant('b', 'o@b.example', 'infinity', '2031-01-01Z')$$, 'FG014');
SELECT fg_test.expect_error($$SELECT freezegate.create_tenant('a', 'o@b.example', '2031-01-01Z', '2031-01-01Z')$$, 'FG015');
-- by hand, the same rules hold as CHECK constraints
SELECT fg_test.expect_error($$INSERT INTO freezegate.tenants (key, owner_email, paid_until) VALUES ('Bad', 'o@b.example', now())$$, '23514');
SELECT fg_test.expect_error($$INSERT INTO freezegate.tenants (key, owner_email, paid_until) VALUES ('b', 'nope', now())$$, '23514');
SELECT fg_test.expect_error($$INSERT INTO freezegate.tenants (key, owner_email, paid_from, paid_until) VALUES ('b', 'o@b.example', now(), now() - interval '1 day')$$, '23514');

-- domains: lower-cased, one trailing dot stripped, unique across tenants
SELECT freezegate.add_domain('a', ' CRM.Example.COM. ', :at);
SELECT fg_test.expect_eq((SELECT domain FROM freezegate.domains WHERE tenant = 'a'), 'crm.example.com', 'normalised domain');
SELECT fg_test.expect_eq(
    fg_test.expect_error($$SELECT freezegate.add_domain('a-1', 'crm.example.com', '2031-01-01Z')$$, 'FG015'),
    'domain ''crm.example.com'' is already registered to tenant ''a''', 'domain taken message');
SELECT fg_test.expect_error($$SELECT freezegate.add_domain('a', 'crm.example.com', '2031-01-01Z')$$, 'FG015');
SELECT fg_test.expect_error($$SELECT freezegate.add_domain('a', 'localhost', '2031-01-01Z')$$, 'FG014');
SELECT fg_test.expect_error($$SELECT freezegate.add_domain('a', '10.0.0.1', '2031-01-01Z')$$, 'FG014');
SELECT fg_test.expect_error($$SELECT freezegate.add_domain('a', 'a..b.example', '2031-01-01Z')$$, 'FG014');
SELECT fg_test.expect_error($$SELECT freezegate.add_domain('a', 'crm.example.com..', '2031-01-01Z')$$, 'FG014');
SELECT fg_test.expect_error($$SELECT freezegate.add_domain('a', '-x.example.com', '2031-01-01Z')$$, 'FG014');
SELECT fg_test.expect_error($$SELECT freezegate.add_domain('a', 'x_y.example.com', '2031-01-01Z')$$, 'FG014');
SELECT fg_test.expect_error($$SELECT freezegate.add_domain('a', 'crm.example.com:8080', '2031-01-01Z')$$, 'FG014');
SELECT fg_test.expect_error($$SELECT freezegate.add_domain('nobody', 'x.example.com', '2031-01-01Z')$$, 'FG010');
SELECT fg_test.expect_error($$INSERT INTO freezegate.domains (domain, tenant) VALUES ('CRM.example.org', 'a')$$, '23514');
SELECT fg_test.expect_error($$INSERT INTO freezegate.domains (domain, tenant) VALUES ('crm.example.org.', 'a')$$, '23514');
SELECT fg_test.expect_error($$INSERT INTO freezegate.domains (domain, tenant) VALUES ('crm.example.com', 'a-1')$$, '23505');
SELECT fg_test.expect_error($$INSERT INTO freezegate.domains (domain, tenant) VALUES ('crm.example.org', 'nobody')$$, '23503');

-- freezes by hand: an end before the start, an unknown kind, an early end outside the window
SELECT fg_test.expect_error($$INSERT INTO freezegate.freezes (tenant, starts_at, ends_at, requested_by) VALUES ('a', '2031-05-01Z', '2031-04-01Z', 'ops')$$, '23514');
SELECT fg_test.expect_error($$INSERT INTO freezegate.freezes (tenant, starts_at, ends_at, requested_by, kind) VALUES ('a', '2031-04-01Z', '2031-05-01Z', 'ops', 'holiday')$$, '23514');
SELECT fg_test.expect_error($$INSERT INTO freezegate.freezes (tenant, starts_at, ends_at, ended_at, requested_by) VALUES ('a', '2031-04-01Z', '2031-05-01Z', '2031-05-02Z', 'ops')$$, '23514');
SELECT fg_test.expect_error($$INSERT INTO freezegate.payments (tenant, days) VALUES ('a', 0)$$, '23514');

-- NULL or infinite instants are invalid arguments, not silently ignored
SELECT fg_test.expect_error($$SELECT freezegate.request_freeze('a', NULL, '2031-05-01Z', 'o@a.example', false, '2031-01-01Z')$$, 'FG014');
SELECT fg_test.expect_error($$SELECT freezegate.request_freeze('a', '2031-04-01Z', 'infinity', 'o@a.example', false, '2031-01-01Z')$$, 'FG014');
SELECT fg_test.expect_error($$SELECT freezegate.request_freeze('a', '2031-04-01Z', '2031-05-01Z', NULL, false, '2031-01-01Z')$$, 'FG014');
SELECT fg_test.expect_error($$SELECT freezegate.request_freeze('a', '2031-04-01Z', '2031-05-01Z', 'o@a.example', false, NULL)$$, 'FG014');
SELECT fg_test.expect_error($$SELECT freezegate.request_freeze('nobody', '2031-04-01Z', '2031-05-01Z', 'o@a.example', false, '2031-01-01Z')$$, 'FG010');
SELECT fg_test.expect_error($$SELECT freezegate.record_payment('a', NULL, '2031-01-01Z')$$, 'FG014');
SELECT fg_test.expect_error($$SELECT freezegate.cancel_freeze(NULL, '2031-01-01Z')$$, 'FG011');

-- every function can be called without at (judged now), with named arguments
SELECT freezegate.create_tenant(tenant => 'now', owner_email => 'o@now.example', paid_until => now() + interval '100 days');
SELECT freezegate.request_freeze(tenant => 'now', starts_at => now() + interval '1 day', ends_at => now() + interval '31 days', requested_by => 'o@now.example') AS now_id \gset
SELECT freezegate.cancel_freeze(freeze_id => :now_id);
SELECT freezegate.record_payment(tenant => 'now', days => 1);
SELECT freezegate.add_domain(tenant => 'now', domain => 'now.example.net');
SELECT freezegate.force_freeze(tenant => 'now', starts_at => now() + interval '1 hour', ends_at => now() + interval '2 days', reason => 'test');
SELECT fg_test.expect_error($$SELECT freezegate.unfreeze('now')$$, 'FG013');
