-- The shapes of keys, e-mails, host names and upstream group names are domains (0013), the one
-- definition both the columns and the functions use: a direct write of a malformed value fails
-- with 23514 naming the domain, and the functions accept exactly the values the domains accept.
SELECT fg_test.expect_eq(
    (SELECT array_agg(format('%s.%s %s', c.table_name, c.column_name, c.domain_name) ORDER BY c.table_name, c.column_name)
     FROM information_schema.columns AS c
     WHERE c.table_schema = 'freezegate' AND c.domain_schema = 'freezegate'),
    ARRAY['domains.domain host_name', 'domains.tenant tenant_key', 'freezes.tenant tenant_key',
          'payments.tenant tenant_key', 'tenants.key tenant_key', 'tenants.owner_email email_address',
          'tenants.upstream_group upstream_group_name'],
    'columns typed by the domains');
-- No regular expression is left in a table's check constraint: the domains hold them.
SELECT fg_test.expect_eq(
    (SELECT count(*) FROM pg_catalog.pg_constraint
     WHERE connamespace = 'freezegate'::regnamespace AND contype = 'c' AND conrelid <> 0
       AND pg_get_constraintdef(oid) LIKE '%~%'),
    0::bigint, 'check constraints with a regular expression');

-- Direct DML: the domain's constraint, SQLSTATE 23514.
SELECT fg_test.expect_eq(
    fg_test.expect_error($$INSERT INTO freezegate.tenants (key, owner_email, paid_until) VALUES ('Bad', 'o@b.example', now())$$, '23514'),
    'value for domain freezegate.tenant_key violates check constraint "tenant_key_is_dns_label"', 'key by hand');
SELECT freezegate.create_tenant('acme', 'o@acme.example', '2031-12-01Z', '2031-01-01Z');
SELECT fg_test.expect_error($$UPDATE freezegate.tenants SET owner_email = 'nope' WHERE key = 'acme'$$, '23514');
SELECT fg_test.expect_error($$UPDATE freezegate.tenants SET upstream_group = 'a b' WHERE key = 'acme'$$, '23514');
SELECT fg_test.expect_error($$INSERT INTO freezegate.domains (domain, tenant) VALUES ('CRM.example.com', 'acme')$$, '23514');
SELECT fg_test.expect_error($$INSERT INTO freezegate.domains (domain, tenant) VALUES ('crm.example.123', 'acme')$$, '23514');

-- The functions accept exactly what the domains accept (FG014 otherwise), over one list of
-- candidates for each.
CREATE TEMP TABLE outcomes (what text, value text, by_domain boolean, by_function boolean);
-- Each kind: its domain, the call that takes a candidate (%L) and the candidates.
CREATE TEMP TABLE kinds (what text, domain regtype, call text, candidates text[]);
INSERT INTO kinds VALUES
    ('key', 'freezegate.tenant_key',
     $$SELECT freezegate.create_tenant(%L, 'o@x.example', '2031-12-01Z', '2031-01-01Z')$$,
     ARRAY['a', 'a-1', 'x1', repeat('x', 63), repeat('x', 64), 'Acme', '-a', 'a-', 'a.b', '', 'a_b', 'ä']),
    -- a new tenant per candidate (its key from the sequence), so that only the e-mail is judged
    ('email', 'freezegate.email_address',
     $$SELECT freezegate.create_tenant('mail' || nextval('pg_temp.mail_keys'), %L, '2031-12-01Z', '2031-01-01Z')$$,
     ARRAY['o@x.example', 'o.p+q@x.y.example', 'o@x', 'o@@x.example', 'o p@x.example', '@x.example', 'o@x.',
           repeat('o', 250) || '@x.example']),
    ('host', 'freezegate.host_name',
     $$SELECT freezegate.add_domain('acme', %L, '2031-01-01Z')$$,
     ARRAY['crm.example.com', 'a.b', 'x-1.example', 'example', 'crm.example.123', 'crm..example', '-a.example',
           'a-.example', repeat('a.', 126) || 'bc']),
    ('group', 'freezegate.upstream_group_name',
     $$SELECT freezegate.set_upstream_group('acme', %L, '2031-01-01Z')$$,
     ARRAY['s21', 'S_21-b', repeat('g', 63), repeat('g', 64), 'a b', 'a.b']);
CREATE TEMP SEQUENCE mail_keys;
DO $$
DECLARE
    kind record;
    candidate text;
    accepted boolean;
BEGIN
    FOR kind IN SELECT * FROM kinds LOOP
        FOREACH candidate IN ARRAY kind.candidates LOOP
            BEGIN
                EXECUTE format(kind.call, candidate);
                accepted := true;
            EXCEPTION WHEN SQLSTATE 'FG014' THEN
                accepted := false;
            END;
            INSERT INTO outcomes
            VALUES (kind.what, candidate, freezegate_private.is_of_domain(candidate, kind.domain), accepted);
        END LOOP;
    END LOOP;
END
$$;
SELECT fg_test.expect_eq(
    (SELECT string_agg(format('%s %L: domain %s, function %s', what, value, by_domain, by_function), '; ')
     FROM outcomes WHERE by_domain IS DISTINCT FROM by_function),
    NULL, 'functions and domains disagree');
-- Both outcomes occur for every kind, so the comparison is not vacuous.
SELECT fg_test.expect_eq(
    (SELECT array_agg(what ORDER BY what) FROM (SELECT what FROM outcomes GROUP BY what HAVING bool_or(by_domain) AND NOT bool_and(by_domain)) AS w),
    ARRAY['email', 'group', 'host', 'key'], 'accepted and refused candidates of every kind');
SELECT fg_test.expect_eq(freezegate_private.is_of_domain(NULL, 'freezegate.tenant_key'), false, 'NULL is no key');
