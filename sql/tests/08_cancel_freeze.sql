-- cancel_freeze: only a freeze that has not started; it frees the rule-3 quota and gives back the
-- paid time the freeze had credited.
\set at '''2031-01-01Z'''
SELECT freezegate.create_tenant('acme', 'o@acme.example', '2031-12-01Z', :at);
SELECT freezegate.request_freeze('acme', '2031-02-01Z', timestamptz '2031-02-01Z' + interval '45 days', 'o@acme.example', false, :at) AS a_id \gset
SELECT freezegate.request_freeze('acme', '2031-06-01Z', timestamptz '2031-06-01Z' + interval '45 days', 'o@acme.example', false, :at) AS b_id \gset
SELECT fg_test.expect_eq(fg_test.paid_until('acme'), timestamptz '2031-12-01Z' + interval '90 days', '90 days kept');
-- the quota of 2031 is used up
SELECT fg_test.expect_error($$SELECT freezegate.request_freeze('acme', '2031-09-01Z', '2031-10-01Z', 'o@acme.example', false, '2031-01-01Z')$$, 'FG003');

-- cancel the second one before it starts (one second before)
SELECT freezegate.cancel_freeze(:b_id, timestamptz '2031-06-01Z' - interval '1 second');
SELECT fg_test.expect_eq((SELECT row(cancelled_at, credited)::text FROM freezegate.freezes WHERE id = :b_id),
    row(timestamptz '2031-06-01Z' - interval '1 second', interval '0')::text, 'cancelled, nothing credited');
SELECT fg_test.expect_eq(fg_test.paid_until('acme'), timestamptz '2031-12-01Z' + interval '45 days', 'its 45 days given back');
-- the quota is free again
SELECT freezegate.request_freeze('acme', '2031-09-01Z', '2031-10-01Z', 'o@acme.example', false, '2031-06-01Z');

-- a started freeze cannot be cancelled (at its start or later), nor a cancelled one again
SELECT fg_test.expect_error(format('SELECT freezegate.cancel_freeze(%s, %L)', :a_id, '2031-02-01Z'), 'FG012');
SELECT fg_test.expect_error(format('SELECT freezegate.cancel_freeze(%s, %L)', :a_id, '2031-04-01Z'), 'FG012');
SELECT fg_test.expect_error(format('SELECT freezegate.cancel_freeze(%s, %L)', :b_id, '2031-01-01Z'), 'FG012');
SELECT fg_test.expect_error('SELECT freezegate.cancel_freeze(999999, ''2031-01-01Z'')', 'FG011');

-- cancelling a rule-5 freeze: the paid month starts at the cancellation instead of its end
SELECT freezegate.create_tenant('late', 'o@late.example', '2030-12-01Z', '2030-01-01Z');
SELECT freezegate.request_freeze('late', '2031-03-01Z', '2031-04-01Z', 'o@late.example', true, :at) AS late_id \gset
SELECT freezegate.cancel_freeze(:late_id, '2031-01-10Z');
SELECT fg_test.expect_eq((SELECT row(paid_from, paid_until)::text FROM freezegate.tenants WHERE key = 'late'),
    row(timestamptz '2031-01-10Z', timestamptz '2031-01-10Z' + interval '30 days')::text, 'month runs from the cancellation');
SELECT fg_test.expect_eq(fg_test.state_of('late', '2031-01-10Z'), 'active', 'active after cancelling');
SELECT fg_test.expect_eq((SELECT count(*) FROM freezegate.payments WHERE tenant = 'late' AND kind = 'freeze_month'), 1::bigint, 'the payment stays');
