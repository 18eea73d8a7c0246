-- Rule 3: at most 90 days of freezes per UTC calendar year; a freeze across New Year counts its
-- days in each year.
SELECT freezegate.create_tenant('exact', 'o@exact.example', '2035-01-01Z', '2031-01-01Z');
SELECT freezegate.create_tenant('over', 'o@over.example', '2035-01-01Z', '2031-01-01Z');
SELECT freezegate.create_tenant('ny', 'o@ny.example', '2035-01-01Z', '2031-01-01Z');
SELECT freezegate.create_tenant('ny2', 'o@ny2.example', '2035-01-01Z', '2031-01-01Z');

-- exactly 90 days in 2031 passes (30 + 30 + 30)
SELECT freezegate.request_freeze('exact', '2031-02-01Z', timestamptz '2031-02-01Z' + interval '30 days', 'o@exact.example', false, '2031-01-01Z');
SELECT freezegate.request_freeze('exact', '2031-05-01Z', timestamptz '2031-05-01Z' + interval '30 days', 'o@exact.example', false, '2031-01-01Z');
SELECT freezegate.request_freeze('exact', '2031-09-01Z', timestamptz '2031-09-01Z' + interval '30 days', 'o@exact.example', false, '2031-01-01Z');
-- nothing more that year: a freeze in 2031 that would end in 2032 still has days in 2031
SELECT fg_test.expect_error($$SELECT freezegate.request_freeze('exact', '2031-12-31 23:59:59Z', '2032-02-15Z', 'o@exact.example', false, '2031-01-01Z')$$, 'FG003');
-- but 2032 is a new year
SELECT freezegate.request_freeze('exact', '2032-01-01Z', '2032-03-01Z', 'o@exact.example', false, '2031-01-01Z');

-- one second more than 90 days fails, with the figures
SELECT freezegate.request_freeze('over', '2031-02-01Z', timestamptz '2031-02-01Z' + interval '30 days', 'o@over.example', false, '2031-01-01Z');
SELECT freezegate.request_freeze('over', '2031-05-01Z', timestamptz '2031-05-01Z' + interval '30 days', 'o@over.example', false, '2031-01-01Z');
SELECT fg_test.expect_eq(
    fg_test.expect_error($$SELECT freezegate.request_freeze('over', '2031-09-01Z', timestamptz '2031-09-01Z' + interval '30 days 1 second', 'o@over.example', false, '2031-01-01Z')$$, 'FG003'),
    'rule 3: freezes may cover at most 90 days in calendar year 2031; already 60 days, requested 30 days 00:00:01 in that year, total 90 days 00:00:01',
    'rule 3 message');
-- one 90-day freeze is fine, 90 days + 1 s is not
SELECT freezegate.request_freeze('over', '2033-02-01Z', timestamptz '2033-02-01Z' + interval '90 days', 'o@over.example', false, '2031-01-01Z');
SELECT fg_test.expect_error($$SELECT freezegate.request_freeze('over', '2034-02-01Z', timestamptz '2034-02-01Z' + interval '90 days 1 second', 'o@over.example', false, '2031-01-01Z')$$, 'FG003');

-- Across New Year: [2031-12-02, 2032-01-31) is 30 days in 2031 and 30 days in 2032.
SELECT freezegate.request_freeze('ny', '2031-03-01Z', timestamptz '2031-03-01Z' + interval '60 days', 'o@ny.example', false, '2031-01-01Z');
SELECT freezegate.request_freeze('ny', '2031-12-02Z', '2032-01-31Z', 'o@ny.example', false, '2031-01-01Z');
-- 2031 is full now (60 + 30)
SELECT fg_test.expect_error($$SELECT freezegate.request_freeze('ny', '2031-06-01Z', '2031-07-01Z', 'o@ny.example', false, '2031-01-01Z')$$, 'FG003');
-- 2032 has 30 days already: 60 more pass exactly, 60 days + 1 s do not
SELECT fg_test.expect_error($$SELECT freezegate.request_freeze('ny', '2032-06-01Z', timestamptz '2032-06-01Z' + interval '60 days 1 second', 'o@ny.example', false, '2031-01-01Z')$$, 'FG003');
SELECT freezegate.request_freeze('ny', '2032-06-01Z', timestamptz '2032-06-01Z' + interval '60 days', 'o@ny.example', false, '2031-01-01Z');

-- The second year's share is checked too: 70 days in 2032 first, then a New Year freeze with 31
-- days in 2032 is refused for 2032.
SELECT freezegate.request_freeze('ny2', '2032-03-01Z', timestamptz '2032-03-01Z' + interval '70 days', 'o@ny2.example', false, '2031-01-01Z');
SELECT fg_test.expect_eq(
    fg_test.expect_error($$SELECT freezegate.request_freeze('ny2', '2031-12-01Z', '2032-02-01Z', 'o@ny2.example', false, '2031-01-01Z')$$, 'FG003')
        LIKE 'rule 3: freezes may cover at most 90 days in calendar year 2032; already 70 days, requested 31 days%', true, 'refused for 2032');

-- Forced freezes count toward the quota; an early-ended freeze counts its actual days.
SELECT freezegate.create_tenant('mix', 'o@mix.example', '2035-01-01Z', '2031-01-01Z');
SELECT freezegate.force_freeze('mix', '2031-02-01Z', timestamptz '2031-02-01Z' + interval '70 days', 'ticket 1', '2031-01-01Z');
SELECT fg_test.expect_error($$SELECT freezegate.request_freeze('mix', '2031-06-01Z', '2031-07-01Z', 'o@mix.example', false, '2031-01-01Z')$$, 'FG003');
SELECT freezegate.unfreeze('mix', timestamptz '2031-02-01Z' + interval '60 days');
SELECT freezegate.request_freeze('mix', '2031-06-01Z', '2031-07-01Z', 'o@mix.example', false, '2031-04-10Z');
