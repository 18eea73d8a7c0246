-- Freeze requests by e-mail in the tenant's own days: the named days become instants in the
-- tenant's time zone (its own, else the default the intake passes), across a DST change too; a
-- first day that is today starts now; the returned dates and zone are the tenant's; a bad default
-- zone or reversed days change nothing.
SELECT freezegate.create_tenant('msk', 'o@msk.example', '2031-12-01Z', '2031-01-01Z');
SELECT freezegate.create_tenant('ber', 'o@ber.example', '2031-12-01Z', '2031-01-01Z');
SELECT freezegate.set_time_zone('ber', 'Europe/Berlin');

CREATE FUNCTION fg_test.mail(message_id text, sender text, identifiers text[], first_day date, last_day date,
                             at timestamptz)
    RETURNS TABLE (outcome text, sqlstate text, freeze_first_day date, freeze_last_day date, time_zone text,
                   starts_at timestamptz, ends_at timestamptz)
    LANGUAGE plpgsql AS $$
DECLARE
    m record;
BEGIN
    -- plpgsql, so that the row the call wrote is visible to the next statement.
    SELECT * INTO m FROM freezegate.record_mail_request($1, $2, true, $3, $4, $5, '{}', true, 'zone test',
                                                        'Europe/Moscow', $6);
    RETURN QUERY SELECT m.outcome, m.sqlstate, m.freeze_first_day, m.freeze_last_day, m.time_zone, r.starts_at,
                        r.ends_at
                 FROM freezegate.freeze_requests AS r WHERE r.id = m.request_id;
END
$$;

-- No zone of its own: the default (Moscow, UTC+3 all year): 1 June 00:00 MSK to 1 July 00:00 MSK.
SELECT fg_test.expect_eq(
    (SELECT row(outcome, freeze_first_day, freeze_last_day, time_zone, starts_at, ends_at)::text
     FROM fg_test.mail('<z1@msk>', 'o@msk.example', '{msk}', '2031-06-01', '2031-06-30', '2031-01-01Z')),
    row('accepted', date '2031-06-01', date '2031-06-30', 'Europe/Moscow',
        timestamptz '2031-05-31 21:00Z', timestamptz '2031-06-30 21:00Z')::text,
    'the default zone');

-- Its own zone, across the spring DST change (Berlin: +01 until 30 March 2031, +02 after).
SELECT fg_test.expect_eq(
    (SELECT row(outcome, freeze_first_day, freeze_last_day, time_zone, starts_at, ends_at)::text
     FROM fg_test.mail('<z2@ber>', 'o@ber.example', '{ber}', '2031-03-20', '2031-04-30', '2031-01-01Z')),
    row('accepted', date '2031-03-20', date '2031-04-30', 'Europe/Berlin',
        timestamptz '2031-03-19 23:00Z', timestamptz '2031-04-30 22:00Z')::text,
    'the tenant''s zone, over a DST change');

-- A first day that is today (in the tenant's zone) starts at the moment of the request. At
-- 2031-08-31 22:30Z it is already 1 September in Moscow.
SELECT fg_test.expect_eq(
    (SELECT row(outcome, freeze_first_day, freeze_last_day, starts_at, ends_at)::text
     FROM fg_test.mail('<z3@msk>', 'o@msk.example', '{msk}', '2031-09-01', '2031-10-15', '2031-08-31 22:30Z')),
    row('accepted', date '2031-09-01', date '2031-10-15',
        timestamptz '2031-08-31 22:30Z', timestamptz '2031-10-15 21:00Z')::text,
    'today starts now');
-- A first day that was yesterday there is still the past (rule 6).
SELECT fg_test.expect_eq(
    (SELECT row(outcome, sqlstate)::text
     FROM fg_test.mail('<z4@ber>', 'o@ber.example', '{ber}', '2031-08-31', '2031-10-15', '2031-08-31 22:30Z')),
    row('refused', 'FG007')::text, 'yesterday in Berlin is the past');

-- An unverified request from nobody's address still records the days, in the default zone.
SELECT fg_test.expect_eq(
    (SELECT row(outcome, starts_at)::text
     FROM fg_test.mail('<z5@x>', 'stranger@example.org', '{msk}', '2032-06-01', '2032-06-30', '2031-01-01Z')),
    row('unverified', timestamptz '2032-05-31 21:00Z')::text, 'unverified, days recorded');

-- Bad arguments change nothing.
SELECT fg_test.dump() AS before \gset
SELECT fg_test.expect_eq(
    fg_test.expect_error(
        $$SELECT * FROM freezegate.record_mail_request('<b1@x>', 'o@msk.example', true, '{msk}', '2032-06-01',
                                                       '2032-06-30', '{}', true, 'zone test', 'Mars/Olympus',
                                                       '2031-01-01Z')$$, 'FG014'),
    'invalid argument: default_time_zone ''Mars/Olympus'' is not a known IANA time zone', 'unknown default zone');
SELECT fg_test.expect_eq(
    fg_test.expect_error(
        $$SELECT * FROM freezegate.record_mail_request('<b2@x>', 'o@msk.example', true, '{msk}', '2032-06-30',
                                                       '2032-06-01', '{}', true, 'zone test', 'UTC', '2031-01-01Z')$$,
        'FG014'),
    'invalid argument: last_day 2032-06-01 is before first_day 2032-06-30', 'reversed days');
SELECT fg_test.expect_eq(fg_test.dump(), :'before', 'rejected calls change nothing');
