-- force_freeze skips rules 1-5 but never rule 6; it records its reason.
\set at '''2031-01-01Z'''
SELECT freezegate.create_tenant('late', 'o@late.example', '2030-12-01Z', '2030-01-01Z');
SELECT freezegate.create_tenant('busy', 'o@busy.example', timestamptz :at + interval '10 days', :at);

-- rule 5 skipped: expired tenant, no month paid; rule 2 skipped: 10 days; rule 1: no requester at all
SELECT freezegate.force_freeze('late', '2031-01-05Z', '2031-01-15Z', 'ticket 17: flood', :at) AS late_id \gset
SELECT fg_test.expect_eq((SELECT row(kind, reason, requested_by, credited, paid_month)::text FROM freezegate.freezes WHERE id = :late_id),
    row('forced', 'ticket 17: flood', session_user::text, interval '0', false)::text, 'forced freeze row');
SELECT fg_test.expect_eq((SELECT count(*) FROM freezegate.payments), 0::bigint, 'no payment');
SELECT fg_test.expect_eq(fg_test.state_of('late', '2031-01-05Z'), 'frozen', 'expired tenant frozen by force');
-- rule 4 skipped: 10 paid days left, starts now
SELECT freezegate.force_freeze('busy', :at, timestamptz :at + interval '5 days', 'support', :at);
SELECT fg_test.expect_eq(fg_test.paid_until('busy'), timestamptz :at + interval '15 days', 'busy: 5 days kept');
-- rule 3 skipped: 200 days in one year
SELECT freezegate.force_freeze('busy', '2031-02-01Z', timestamptz '2031-02-01Z' + interval '200 days', 'support', :at);

-- rule 6 still applies
SELECT fg_test.expect_error($$SELECT freezegate.force_freeze('busy', '2031-03-01Z', '2031-03-05Z', 'support', '2031-01-01Z')$$, 'FG006');
SELECT fg_test.expect_error($$SELECT freezegate.force_freeze('late', '2030-12-31Z', '2031-01-03Z', 'support', '2031-01-01Z')$$, 'FG007');
-- a reason is required, and the window must be a window
SELECT fg_test.expect_error($$SELECT freezegate.force_freeze('late', '2031-05-01Z', '2031-05-05Z', NULL, '2031-01-01Z')$$, 'FG014');
SELECT fg_test.expect_error($$SELECT freezegate.force_freeze('late', '2031-05-01Z', '2031-05-05Z', '  ', '2031-01-01Z')$$, 'FG014');
SELECT fg_test.expect_error($$SELECT freezegate.force_freeze('late', '2031-05-01Z', '2031-05-01Z', 'x', '2031-01-01Z')$$, 'FG014');
SELECT fg_test.expect_error($$SELECT freezegate.force_freeze('nobody', '2031-05-01Z', '2031-05-05Z', 'x', '2031-01-01Z')$$, 'FG010');
-- by hand, a forced freeze needs a reason too
SELECT fg_test.expect_error($$INSERT INTO freezegate.freezes (tenant, starts_at, ends_at, requested_by, kind) VALUES ('late', '2031-06-01Z', '2031-07-01Z', 'ops', 'forced')$$, '23514');
