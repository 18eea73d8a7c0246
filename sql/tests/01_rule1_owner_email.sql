-- Rule 1: requested_by equals the tenant's owner_email, compared case-insensitively.
SELECT freezegate.create_tenant('acme', 'Owner@Acme.Example', '2031-12-31Z', '2031-01-01Z');

SELECT fg_test.expect_error($$SELECT freezegate.request_freeze('acme', '2031-03-01Z', '2031-04-01Z', 'teacher@acme.example', false, '2031-01-01Z')$$, 'FG001');
SELECT fg_test.expect_error($$SELECT freezegate.request_freeze('acme', '2031-03-01Z', '2031-04-01Z', 'owner@acme.example.org', false, '2031-01-01Z')$$, 'FG001');
SELECT fg_test.expect_eq((SELECT count(*) FROM freezegate.freezes), 0::bigint, 'no freeze after rule 1 rejections');

-- Different case in both directions is the same address.
SELECT fg_test.expect_eq(freezegate.request_freeze('acme', '2031-03-01Z', '2031-04-01Z', 'OWNER@ACME.EXAMPLE', false, '2031-01-01Z') > 0, true, 'upper-case requester accepted');
SELECT fg_test.expect_eq(freezegate.request_freeze('acme', '2031-05-01Z', '2031-06-01Z', 'owner@acme.example', false, '2031-01-01Z') > 0, true, 'lower-case requester accepted');
SELECT fg_test.expect_eq((SELECT count(*) FROM freezegate.freezes WHERE kind = 'request'), 2::bigint, 'two freezes');
-- The message names the rule.
SELECT fg_test.expect_eq(fg_test.expect_error($$SELECT freezegate.request_freeze('acme', '2031-07-01Z', '2031-08-01Z', 'x@y.z', false, '2031-01-01Z')$$, 'FG001') LIKE 'rule 1:%', true, 'message names rule 1');
