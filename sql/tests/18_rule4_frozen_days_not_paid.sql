-- Rule 4 judges the paid days left: the paid time from `at` to paid_until during which the tenant
-- is not frozen. The days credited to a planned or running freeze (already in paid_until) are
-- frozen days, not paid days left.
\set at '''2031-01-01Z'''

-- 40 paid days left (to Feb 10); a 30-day freeze from Jan 16 moves paid_until to Mar 12.
SELECT freezegate.create_tenant('acme', 'o@acme.example', timestamptz :at + interval '40 days', :at);
SELECT freezegate.request_freeze('acme', '2031-01-16Z', '2031-02-15Z', 'o@acme.example', false, :at);
SELECT fg_test.expect_eq(fg_test.paid_until('acme'), timestamptz '2031-03-12Z', 'the freeze keeps its 30 days');
SELECT fg_test.expect_eq(freezegate_private.paid_time_left('acme', NULL, '2031-03-12Z', :at), interval '40 days', '40 days left at the request');

-- 14 days later: paid_until - at is 56 days, but only 26 are paid days (Jan 15-16 and Feb 15 - Mar 12).
SELECT fg_test.expect_eq(freezegate_private.paid_time_left('acme', NULL, '2031-03-12Z', '2031-01-15Z'), interval '26 days', '26 paid days left');
SELECT fg_test.dump() AS before \gset
SELECT fg_test.expect_eq(
    fg_test.expect_error($$SELECT freezegate.request_freeze('acme', '2031-02-15Z', '2031-03-17Z', 'o@acme.example', false, '2031-01-15Z')$$, 'FG004'),
    'rule 4: with 26 days of paid time left (fewer than 30 days) a freeze cannot start before the subscription ends at 2031-03-12 00:00:00Z; requested start 2031-02-15 00:00:00Z',
    'rule 4 counts only paid days');
SELECT fg_test.expect_eq(fg_test.dump(), :'before', 'the refused request changed nothing');

-- While the first freeze runs (Jan 20) its remaining days are not paid days either: 25 left.
SELECT fg_test.expect_eq(freezegate_private.paid_time_left('acme', NULL, '2031-03-12Z', '2031-01-20Z'), interval '25 days', '25 paid days left during the freeze');
SELECT fg_test.expect_error($$SELECT freezegate.request_freeze('acme', '2031-02-15Z', '2031-03-17Z', 'o@acme.example', false, '2031-01-20Z')$$, 'FG004');

-- From the end of the subscription on, the second freeze is fine.
SELECT freezegate.request_freeze('acme', '2031-03-12Z', '2031-04-11Z', 'o@acme.example', false, '2031-01-15Z');
SELECT fg_test.expect_eq(fg_test.paid_until('acme'), timestamptz '2031-03-12Z', 'a freeze at paid_until keeps nothing');

-- With more than 30 paid days left besides the planned freeze, any start is still fine.
SELECT freezegate.create_tenant('rich', 'o@rich.example', timestamptz :at + interval '61 days', :at);
SELECT freezegate.request_freeze('rich', '2031-01-16Z', '2031-02-15Z', 'o@rich.example', false, :at);
SELECT fg_test.expect_eq(freezegate_private.paid_time_left('rich', NULL, fg_test.paid_until('rich'), '2031-01-15Z'), interval '47 days', '47 paid days left');
SELECT freezegate.request_freeze('rich', '2031-02-15Z', '2031-03-17Z', 'o@rich.example', false, '2031-01-15Z');

-- A month scheduled by rule 5 is paid time left: a second freeze inside it needs no second month.
SELECT freezegate.create_tenant('late', 'o@late.example', '2030-12-01Z', '2030-01-01Z');
SELECT freezegate.request_freeze('late', '2031-02-01Z', '2031-03-15Z', 'o@late.example', true, :at);
SELECT fg_test.expect_eq(freezegate_private.paid_time_left('late', '2031-03-15Z', '2031-04-14Z', '2031-01-20Z'), interval '30 days', 'the scheduled month');
SELECT freezegate.request_freeze('late', '2031-04-01Z', '2031-05-01Z', 'o@late.example', false, '2031-01-20Z');

-- An expired tenant has no paid days left.
SELECT fg_test.expect_eq(freezegate_private.paid_time_left('late', NULL, '2030-12-01Z', :at), interval '0', 'nothing left when expired');
