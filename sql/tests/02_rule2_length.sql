-- Rule 2: a freeze lasts at least 30 days (ends_at - starts_at), measured in UTC days of 24 h.
SELECT freezegate.create_tenant('acme', 'owner@acme.example', '2031-12-31Z', '2031-01-01Z');

-- exactly 30 days passes
SELECT freezegate.request_freeze('acme', '2031-02-01Z', timestamptz '2031-02-01Z' + interval '30 days', 'owner@acme.example', false, '2031-01-01Z');
-- 30 days minus one second fails, with the figure in the message
SELECT fg_test.expect_eq(
    fg_test.expect_error($$SELECT freezegate.request_freeze('acme', '2031-05-01Z', timestamptz '2031-05-01Z' + interval '30 days' - interval '1 second', 'owner@acme.example', false, '2031-01-01Z')$$, 'FG002'),
    'rule 2: a freeze must last at least 30 days; requested 29 days 23:59:59', 'rule 2 message');
-- an end before the start is a bad argument, not a short freeze (25_bad_arguments.sql); an end at
-- the start is a freeze of 0 days
SELECT fg_test.expect_error($$SELECT freezegate.request_freeze('acme', '2031-05-01Z', '2031-04-01Z', 'owner@acme.example', false, '2031-01-01Z')$$, 'FG014');
SELECT fg_test.expect_error($$SELECT freezegate.request_freeze('acme', '2031-05-01Z', '2031-05-01Z', 'owner@acme.example', false, '2031-01-01Z')$$, 'FG002');
SELECT fg_test.expect_eq((SELECT count(*) FROM freezegate.freezes), 1::bigint, 'only the 30-day freeze');

-- The session time zone does not matter: across the DST change of Europe/Berlin (2031-03-30),
-- 30 days are still 720 hours, and the paid time kept is exactly the freeze's 720 hours.
SET TimeZone = 'Europe/Berlin';
SELECT freezegate.create_tenant('berlin', 'owner@berlin.example', '2031-12-31 00:00Z', '2031-01-01Z');
SELECT fg_test.expect_error($$SELECT freezegate.request_freeze('berlin', '2031-03-15 00:00Z', timestamptz '2031-03-15 00:00Z' + interval '719 hours 59 minutes 59 seconds', 'owner@berlin.example', false, '2031-01-01Z')$$, 'FG002');
SELECT freezegate.request_freeze('berlin', '2031-03-15 00:00Z', timestamptz '2031-03-15 00:00Z' + interval '720 hours', 'owner@berlin.example', false, '2031-01-01Z');
SELECT fg_test.expect_eq(fg_test.paid_until('berlin') - timestamptz '2031-12-31 00:00Z', interval '720 hours', 'credited exactly 720 hours');
