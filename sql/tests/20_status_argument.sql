-- tenant_status_at(at timestamptz DEFAULT now()): callable without an argument, like every other
-- function; a NULL or infinite instant is an invalid argument (FG014), not "every tenant expired".
SELECT freezegate.create_tenant('acme', 'o@acme.example', now() + interval '40 days', now());
SELECT freezegate.request_freeze('acme', now() + interval '10 days', now() + interval '50 days', 'o@acme.example');

SELECT fg_test.expect_eq((SELECT state FROM freezegate.tenant_status_at() WHERE tenant = 'acme'), 'active', 'no argument: now');
SELECT fg_test.expect_eq((SELECT row(s.*)::text FROM freezegate.tenant_status_at() AS s),
    (SELECT row(v.*)::text FROM freezegate.tenant_status AS v), 'the view is tenant_status_at()');
SELECT fg_test.expect_eq((SELECT state FROM freezegate.tenant_status_at(now() + interval '20 days') WHERE tenant = 'acme'),
    'frozen', 'an instant still works');

SELECT fg_test.expect_eq(fg_test.expect_error('SELECT * FROM freezegate.tenant_status_at(NULL)', 'FG014'),
    'invalid argument: at must be a finite timestamptz, got NULL', 'NULL');
SELECT fg_test.expect_error($$SELECT * FROM freezegate.tenant_status_at('infinity')$$, 'FG014');
SELECT fg_test.expect_error($$SELECT * FROM freezegate.tenant_status_at('-infinity')$$, 'FG014');
-- named argument, as sql/README.md writes it
SELECT fg_test.expect_eq((SELECT state FROM freezegate.tenant_status_at(at => now()) WHERE tenant = 'acme'), 'active', 'named argument');
