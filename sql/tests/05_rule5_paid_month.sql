-- Rule 5: with no active subscription a freeze needs pay_one_month => true; that month starts
-- running when the freeze ends (paid_from = ends_at, paid_until = ends_at + 30 days).
\set at '''2031-01-01Z'''
SELECT freezegate.create_tenant('late', 'o@late.example', '2030-12-01Z', '2030-01-01Z');

SELECT fg_test.expect_eq(
    fg_test.expect_error($$SELECT freezegate.request_freeze('late', '2031-02-01Z', '2031-03-15Z', 'o@late.example', false, '2031-01-01Z')$$, 'FG005')
        LIKE 'rule 5: tenant late has no active subscription (paid until 2030-12-01 00:00:00Z)%', true, 'rule 5 message');
SELECT fg_test.expect_error($$SELECT freezegate.request_freeze('late', '2031-02-01Z', '2031-03-15Z', 'o@late.example', NULL, '2031-01-01Z')$$, 'FG005');

SELECT freezegate.request_freeze('late', '2031-02-01Z', '2031-03-15Z', 'o@late.example', true, :at) AS freeze_id \gset
SELECT fg_test.expect_eq((SELECT paid_from FROM freezegate.tenants WHERE key = 'late'), timestamptz '2031-03-15Z', 'month starts when the freeze ends');
SELECT fg_test.expect_eq(fg_test.paid_until('late'), timestamptz '2031-03-15Z' + interval '30 days', 'one month paid');
SELECT fg_test.expect_eq((SELECT row(days, starts_at, kind, freeze_id)::text FROM freezegate.payments WHERE tenant = 'late'),
    row(30, timestamptz '2031-03-15Z', 'freeze_month', :freeze_id::bigint)::text, 'freeze_month payment');
SELECT fg_test.expect_eq((SELECT row(paid_month, credited)::text FROM freezegate.freezes WHERE id = :freeze_id),
    row(true, interval '0')::text, 'the freeze itself keeps no paid time');
-- the states along the way
SELECT fg_test.expect_eq(fg_test.state_of('late', '2031-01-15Z'), 'expired', 'expired before the freeze');
SELECT fg_test.expect_eq(fg_test.state_of('late', '2031-02-01Z'), 'frozen', 'frozen from its start');
SELECT fg_test.expect_eq(fg_test.state_of('late', timestamptz '2031-03-15Z' - interval '1 second'), 'frozen', 'frozen to its end');
SELECT fg_test.expect_eq(fg_test.state_of('late', '2031-03-15Z'), 'active', 'active when it ends');
SELECT fg_test.expect_eq(fg_test.state_of('late', timestamptz '2031-04-14Z' - interval '1 second'), 'active', 'active for 30 days');
SELECT fg_test.expect_eq(fg_test.state_of('late', '2031-04-14Z'), 'expired', 'expired after the month');
-- before the freeze starts the tenant is not active (paid_from is later), yet paid_until > at:
-- the subscription counts as active for rule 4, so another freeze needs no second month.
SELECT freezegate.request_freeze('late', '2031-06-01Z', '2031-07-01Z', 'o@late.example', false, '2031-01-20Z');
SELECT fg_test.expect_eq(fg_test.paid_until('late'), timestamptz '2031-04-14Z', 'a freeze after the paid month keeps nothing');
-- a payment before the scheduled period starts is appended to it
SELECT freezegate.record_payment('late', 10, '2031-01-25Z');
SELECT fg_test.expect_eq((SELECT row(paid_from, paid_until)::text FROM freezegate.tenants WHERE key = 'late'),
    row(timestamptz '2031-03-15Z', timestamptz '2031-04-24Z')::text, 'payment appended to the scheduled month');
SELECT fg_test.expect_eq(fg_test.state_of('late', '2031-01-25Z'), 'expired', 'still expired until the freeze');

-- Unfreezing a rule-5 freeze before 30 days charges it from its start: the month runs from there
-- (more in 17_early_unfreeze_paid_month.sql).
SELECT freezegate.create_tenant('early', 'o@early.example', '2030-12-01Z', '2030-01-01Z');
SELECT freezegate.request_freeze('early', '2031-02-01Z', '2031-03-15Z', 'o@early.example', true, :at);
SELECT freezegate.unfreeze('early', '2031-02-11Z');
SELECT fg_test.expect_eq((SELECT row(paid_from, paid_until)::text FROM freezegate.tenants WHERE key = 'early'),
    row(timestamptz '2031-02-01Z', timestamptz '2031-02-01Z' + interval '30 days')::text, 'month runs from the freeze''s start');
SELECT fg_test.expect_eq(fg_test.state_of('early', '2031-02-11Z'), 'active', 'active after the unfreeze');

-- pay_one_month while active: the month is appended (like record_payment(30)), and the freeze
-- keeps its paid time as usual.
SELECT freezegate.create_tenant('keen', 'o@keen.example', '2031-06-01Z', :at);
SELECT freezegate.request_freeze('keen', '2031-02-01Z', '2031-03-03Z', 'o@keen.example', true, :at);
SELECT fg_test.expect_eq(fg_test.paid_until('keen'), timestamptz '2031-06-01Z' + interval '60 days', '30 days paid + 30 days kept');
SELECT fg_test.expect_eq((SELECT row(days, starts_at, kind)::text FROM freezegate.payments WHERE tenant = 'keen'),
    row(30, NULL::timestamptz, 'freeze_month')::text, 'appended month');
SELECT fg_test.expect_eq((SELECT paid_from FROM freezegate.tenants WHERE key = 'keen'), NULL::timestamptz, 'paid_from unchanged');
