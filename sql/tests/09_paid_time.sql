-- Paid time is kept across freezes; an unfreeze before 30 days keeps nothing; payments.
\set at '''2031-01-01Z'''

-- A completed freeze inside the paid period moves paid_until by its length.
SELECT freezegate.create_tenant('done', 'o@done.example', '2031-12-01Z', :at);
SELECT freezegate.request_freeze('done', '2031-06-01Z', timestamptz '2031-06-01Z' + interval '45 days', 'o@done.example', false, :at) AS done_id \gset
SELECT fg_test.expect_eq(fg_test.paid_until('done'), timestamptz '2031-12-01Z' + interval '45 days', 'completed freeze: +45 days');
SELECT fg_test.expect_eq((SELECT credited FROM freezegate.freezes WHERE id = :done_id), interval '45 days', 'credited 45 days');
SELECT fg_test.expect_eq(fg_test.state_of('done', timestamptz '2031-06-01Z' + interval '45 days'), 'active', 'active after the freeze');
SELECT fg_test.expect_eq(fg_test.state_of('done', timestamptz '2031-12-01Z' + interval '45 days' - interval '1 second'), 'active', 'active to the moved end');
SELECT fg_test.expect_eq(fg_test.state_of('done', timestamptz '2031-12-01Z' + interval '45 days'), 'expired', 'expired at the moved end');

-- Unfreeze before 30 days: keeps nothing, as if there had been no freeze.
SELECT freezegate.create_tenant('short', 'o@short.example', '2031-12-01Z', :at);
SELECT freezegate.request_freeze('short', '2031-06-01Z', '2031-08-01Z', 'o@short.example', false, :at) AS short_id \gset
SELECT freezegate.unfreeze('short', timestamptz '2031-06-01Z' + interval '30 days' - interval '1 second');
SELECT fg_test.expect_eq((SELECT row(ended_at, credited)::text FROM freezegate.freezes WHERE id = :short_id),
    row(timestamptz '2031-06-01Z' + interval '30 days' - interval '1 second', interval '0')::text, 'ended, nothing kept');
SELECT fg_test.expect_eq(fg_test.paid_until('short'), timestamptz '2031-12-01Z', 'paid_until back to the original');
SELECT fg_test.expect_eq(fg_test.state_of('short', timestamptz '2031-06-01Z' + interval '30 days' - interval '1 second'), 'active', 'active after the unfreeze');

-- Unfreeze at exactly 30 days and later: keeps the actual days.
SELECT freezegate.create_tenant('thirty', 'o@thirty.example', '2031-12-01Z', :at);
SELECT freezegate.request_freeze('thirty', '2031-06-01Z', '2031-08-01Z', 'o@thirty.example', false, :at);
SELECT freezegate.unfreeze('thirty', timestamptz '2031-06-01Z' + interval '30 days');
SELECT fg_test.expect_eq(fg_test.paid_until('thirty'), timestamptz '2031-12-01Z' + interval '30 days', 'exactly 30 days kept');
SELECT freezegate.create_tenant('forty', 'o@forty.example', '2031-12-01Z', :at);
SELECT freezegate.request_freeze('forty', '2031-06-01Z', '2031-08-01Z', 'o@forty.example', false, :at);
SELECT freezegate.unfreeze('forty', timestamptz '2031-06-01Z' + interval '40 days 12 hours');
SELECT fg_test.expect_eq(fg_test.paid_until('forty'), timestamptz '2031-12-01Z' + interval '40 days 12 hours', '40.5 days kept');
-- no second unfreeze: nothing runs any more
SELECT fg_test.expect_error($$SELECT freezegate.unfreeze('forty', '2031-07-20Z')$$, 'FG013');
SELECT fg_test.expect_error($$SELECT freezegate.unfreeze('forty', '2031-05-31Z')$$, 'FG013');
SELECT fg_test.expect_error($$SELECT freezegate.unfreeze('nobody', '2031-05-31Z')$$, 'FG010');

-- A freeze that starts inside the paid period and ends after it: the paid time left at its start
-- resumes when it ends (paid_until moves by the whole freeze).
SELECT freezegate.create_tenant('straddle', 'o@straddle.example', timestamptz :at + interval '40 days', :at);
SELECT freezegate.request_freeze('straddle', timestamptz :at + interval '20 days', timestamptz :at + interval '80 days', 'o@straddle.example', false, :at);
SELECT fg_test.expect_eq(fg_test.paid_until('straddle'), timestamptz :at + interval '100 days', 'straddle: 20 days left resume after the freeze');

-- A payment extends an active period, and a freeze planned beyond the old end is credited once the
-- paid period reaches it.
SELECT freezegate.create_tenant('pay', 'o@pay.example', timestamptz :at + interval '10 days', :at);
SELECT freezegate.request_freeze('pay', timestamptz :at + interval '20 days', timestamptz :at + interval '50 days', 'o@pay.example', false, :at);
SELECT fg_test.expect_eq(fg_test.paid_until('pay'), timestamptz :at + interval '10 days', 'freeze after the paid period keeps nothing');
SELECT freezegate.record_payment('pay', 30, timestamptz :at + interval '5 days');
SELECT fg_test.expect_eq(fg_test.paid_until('pay'), timestamptz :at + interval '70 days', '10 + 30 paid days, 30 of the freeze kept');
SELECT fg_test.expect_eq((SELECT row(days, starts_at, kind)::text FROM freezegate.payments WHERE tenant = 'pay'),
    row(30, NULL::timestamptz, 'payment')::text, 'payment appended');

-- A payment after expiry starts a new paid period at the payment.
SELECT freezegate.create_tenant('expired', 'o@expired.example', '2030-06-01Z', '2030-01-01Z');
SELECT freezegate.record_payment('expired', 365, :at);
SELECT fg_test.expect_eq((SELECT row(paid_from, paid_until)::text FROM freezegate.tenants WHERE key = 'expired'),
    row(timestamptz :at, timestamptz :at + interval '365 days')::text, 'new period from the payment');
SELECT fg_test.expect_eq(fg_test.state_of('expired', timestamptz :at - interval '1 second'), 'expired', 'not active before the payment');
-- ... or, while a forced freeze runs, when that freeze ends.
SELECT freezegate.create_tenant('frozen', 'o@frozen.example', '2030-06-01Z', '2030-01-01Z');
SELECT freezegate.force_freeze('frozen', :at, '2031-01-20Z', 'support', :at);
SELECT freezegate.record_payment('frozen', 30, '2031-01-10Z');
SELECT fg_test.expect_eq((SELECT row(paid_from, paid_until)::text FROM freezegate.tenants WHERE key = 'frozen'),
    row(timestamptz '2031-01-20Z', timestamptz '2031-02-19Z')::text, 'period from the end of the freeze');
SELECT fg_test.expect_error($$SELECT freezegate.record_payment('frozen', 0, '2031-01-10Z')$$, 'FG014');
SELECT fg_test.expect_error($$SELECT freezegate.record_payment('frozen', -3, '2031-01-10Z')$$, 'FG014');
