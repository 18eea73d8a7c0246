-- Rule 4: active means paid_until > at. With 30 or more paid days left a freeze may start at any
-- moment from at on; with fewer it cannot start before paid_until.
\set at '''2031-01-01 12:00Z'''

-- exactly 30 paid days left: any start, even right now
SELECT freezegate.create_tenant('thirty', 'o@thirty.example', timestamptz :at + interval '30 days', :at);
SELECT freezegate.request_freeze('thirty', :at, timestamptz :at + interval '30 days', 'o@thirty.example', false, :at);
-- the whole paid month was inside the freeze: it resumes after it
SELECT fg_test.expect_eq(fg_test.paid_until('thirty'), timestamptz :at + interval '60 days', 'thirty: paid until moved by 30 days');

-- 30 days minus one second left: not before paid_until
SELECT freezegate.create_tenant('short', 'o@short.example', timestamptz :at + interval '30 days' - interval '1 second', :at);
SELECT fg_test.expect_eq(
    fg_test.expect_error(format('SELECT freezegate.request_freeze(%L, %L, %L, %L, false, %L)', 'short', timestamptz :at, timestamptz :at + interval '30 days', 'o@short.example', timestamptz :at), 'FG004'),
    'rule 4: with 29 days 23:59:59 of paid time left (fewer than 30 days) a freeze cannot start before the subscription ends at 2031-01-31 11:59:59Z; requested start 2031-01-01 12:00:00Z',
    'rule 4 message');
SELECT fg_test.expect_error(format('SELECT freezegate.request_freeze(%L, %L, %L, %L, false, %L)', 'short', timestamptz :at + interval '30 days' - interval '2 seconds', timestamptz :at + interval '60 days', 'o@short.example', timestamptz :at), 'FG004');
-- starting exactly at paid_until is allowed, and keeps nothing (no paid time inside)
SELECT freezegate.request_freeze('short', timestamptz :at + interval '30 days' - interval '1 second', timestamptz :at + interval '60 days', 'o@short.example', false, :at);
SELECT fg_test.expect_eq(fg_test.paid_until('short'), timestamptz :at + interval '30 days' - interval '1 second', 'short: paid_until unchanged');

-- one second left is still active (rule 4, not rule 5)
SELECT freezegate.create_tenant('second', 'o@second.example', timestamptz :at + interval '1 second', :at);
SELECT fg_test.expect_error(format('SELECT freezegate.request_freeze(%L, %L, %L, %L, false, %L)', 'second', timestamptz :at, timestamptz :at + interval '30 days', 'o@second.example', timestamptz :at), 'FG004');

-- paid_until = at is not active: rule 5 applies
SELECT freezegate.create_tenant('edge', 'o@edge.example', :at, :at);
SELECT fg_test.expect_eq(fg_test.state_of('edge', :at), 'expired', 'paid_until = at is expired');
SELECT fg_test.expect_eq(fg_test.state_of('edge', timestamptz :at - interval '1 second'), 'active', 'one second before paid_until is active');
SELECT fg_test.expect_error(format('SELECT freezegate.request_freeze(%L, %L, %L, %L, false, %L)', 'edge', timestamptz :at, timestamptz :at + interval '30 days', 'o@edge.example', timestamptz :at), 'FG005');
