-- "If an unfreeze is needed earlier than one month, the period is paid from the start of the
-- freeze": a freeze ended before 30 days is charged as if there had been no freeze. For rule 5's
-- paid month (which was to start when the freeze ends) that means the month runs from the
-- freeze's start; ended at 30 days or later, the freeze keeps the days it ran and the month
-- starts at the unfreeze.
\set at '''2031-01-01Z'''

-- Unfrozen after 10 days: the month runs from the freeze's start (Feb 1 + 30 days = Mar 3).
SELECT freezegate.create_tenant('early', 'o@early.example', '2030-12-01Z', '2030-01-01Z');
SELECT freezegate.request_freeze('early', '2031-02-01Z', '2031-03-15Z', 'o@early.example', true, :at) AS early_id \gset
SELECT freezegate.unfreeze('early', '2031-02-11Z');
SELECT fg_test.expect_eq((SELECT row(paid_from, paid_until)::text FROM freezegate.tenants WHERE key = 'early'),
    row(timestamptz '2031-02-01Z', timestamptz '2031-02-01Z' + interval '30 days')::text, 'month from the freeze''s start');
SELECT fg_test.expect_eq((SELECT row(ended_at, credited)::text FROM freezegate.freezes WHERE id = :early_id),
    row(timestamptz '2031-02-11Z', interval '0')::text, 'the freeze keeps nothing');
SELECT fg_test.expect_eq(fg_test.state_of('early', '2031-02-11Z'), 'active', 'active after the unfreeze');
SELECT fg_test.expect_eq(fg_test.state_of('early', timestamptz '2031-03-03Z' - interval '1 second'), 'active', 'active to the end of the month');
SELECT fg_test.expect_eq(fg_test.state_of('early', '2031-03-03Z'), 'expired', 'expired 30 days after the freeze''s start');
SELECT fg_test.expect_eq((SELECT row(days, starts_at, kind)::text FROM freezegate.payments WHERE tenant = 'early'),
    row(30, timestamptz '2031-03-15Z', 'freeze_month')::text, 'the payment row is the record of the request');

-- One second before 30 days: still charged from the start.
SELECT freezegate.create_tenant('edge', 'o@edge.example', '2030-12-01Z', '2030-01-01Z');
SELECT freezegate.request_freeze('edge', '2031-02-01Z', '2031-04-15Z', 'o@edge.example', true, :at);
SELECT freezegate.unfreeze('edge', timestamptz '2031-02-01Z' + interval '30 days' - interval '1 second');
SELECT fg_test.expect_eq((SELECT row(paid_from, paid_until)::text FROM freezegate.tenants WHERE key = 'edge'),
    row(timestamptz '2031-02-01Z', timestamptz '2031-03-03Z')::text, 'one second short of 30 days');
SELECT fg_test.expect_eq(fg_test.state_of('edge', timestamptz '2031-03-03Z' - interval '1 second'), 'active', 'one second of the month left');

-- Days paid on top of the month before the unfreeze move with it.
SELECT freezegate.create_tenant('extra', 'o@extra.example', '2030-12-01Z', '2030-01-01Z');
SELECT freezegate.request_freeze('extra', '2031-02-01Z', '2031-03-15Z', 'o@extra.example', true, :at);
SELECT freezegate.record_payment('extra', 10, '2031-01-20Z');
SELECT freezegate.unfreeze('extra', '2031-02-11Z');
SELECT fg_test.expect_eq((SELECT row(paid_from, paid_until)::text FROM freezegate.tenants WHERE key = 'extra'),
    row(timestamptz '2031-02-01Z', timestamptz '2031-02-01Z' + interval '40 days')::text, '40 paid days from the freeze''s start');

-- Unfrozen at 30 days or later: the freeze keeps the days it ran; the month starts at the unfreeze.
SELECT freezegate.create_tenant('long', 'o@long.example', '2030-12-01Z', '2030-01-01Z');
SELECT freezegate.request_freeze('long', '2031-02-01Z', '2031-04-15Z', 'o@long.example', true, :at);
SELECT freezegate.unfreeze('long', timestamptz '2031-02-01Z' + interval '30 days');
SELECT fg_test.expect_eq((SELECT row(paid_from, paid_until)::text FROM freezegate.tenants WHERE key = 'long'),
    row(timestamptz '2031-03-03Z', timestamptz '2031-04-02Z')::text, 'month from the unfreeze after 30 days');

-- The same rule inside a paid period (no month was scheduled): an unfreeze before 30 days keeps
-- no paid time, paid_until is as if there had been no freeze.
SELECT freezegate.create_tenant('paid', 'o@paid.example', '2031-12-01Z', :at);
SELECT freezegate.request_freeze('paid', '2031-02-01Z', '2031-03-15Z', 'o@paid.example', false, :at);
SELECT freezegate.unfreeze('paid', '2031-02-11Z');
SELECT fg_test.expect_eq(fg_test.paid_until('paid'), timestamptz '2031-12-01Z', 'charged as if there had been no freeze');
