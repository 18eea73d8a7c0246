-- Bad arguments get named errors (FG014 with the figures or the bound), never a raw PostgreSQL
-- error; and change nothing.
\set at '''2031-01-01Z'''
SELECT freezegate.create_tenant('acme', 'o@acme.example', '2031-12-01Z', :at);
SELECT fg_test.dump() AS before \gset

-- a freeze that ends before it starts says so (not "requested -31 days")
SELECT fg_test.expect_eq(
    fg_test.expect_error($$SELECT freezegate.request_freeze('acme', '2031-06-01Z', '2031-05-01Z', 'o@acme.example', false, '2031-01-01Z')$$, 'FG014'),
    'invalid argument: ends_at 2031-05-01 00:00:00Z is before starts_at 2031-06-01 00:00:00Z', 'end before start');
-- an end at the start is a freeze of 0 days: rule 2
SELECT fg_test.expect_eq(
    fg_test.expect_error($$SELECT freezegate.request_freeze('acme', '2031-06-01Z', '2031-06-01Z', 'o@acme.example', false, '2031-01-01Z')$$, 'FG002'),
    'rule 2: a freeze must last at least 30 days; requested 0 days', 'zero days');

-- a payment so large that the timestamp would overflow: FG014 with the bound
SELECT fg_test.expect_eq(
    fg_test.expect_error($$SELECT freezegate.record_payment('acme', 2147483647, '2031-01-01Z')$$, 'FG014'),
    'invalid argument: 2147483647 days paid from 2031-12-01 00:00:00Z would end after the latest instant supported, 9999-12-31 23:59:59Z; at most 2910282 days',
    'huge payment');
SELECT fg_test.expect_error($$SELECT freezegate.record_payment('acme', 2910283, '2031-01-01Z')$$, 'FG014');
-- windows and instants beyond the bound
SELECT fg_test.expect_eq(
    fg_test.expect_error($$SELECT freezegate.request_freeze('acme', '2031-06-01Z', '294276-12-31Z', 'o@acme.example', false, '2031-01-01Z')$$, 'FG014'),
    'invalid argument: ends_at 294276-12-31 00:00:00 is outside the supported range 0001-01-01 00:00:00Z to 9999-12-31 23:59:59Z', 'far end');
SELECT fg_test.expect_error($$SELECT freezegate.force_freeze('acme', '2031-06-01Z', '294276-12-31Z', 'flood', '2031-01-01Z')$$, 'FG014');
SELECT fg_test.expect_error($$SELECT freezegate.create_tenant('far', 'o@far.example', '20000-01-01Z', '2031-01-01Z')$$, 'FG014');
SELECT fg_test.expect_error($$SELECT * FROM freezegate.tenant_status_at('4000-01-01 BC')$$, 'FG014');
-- a forced window whose credit would carry paid_until past the bound
SELECT fg_test.expect_eq(
    fg_test.expect_error($$SELECT freezegate.force_freeze('acme', '2031-06-01Z', '9999-12-01Z', 'flood', '2031-01-01Z')$$, 'FG014')
        LIKE 'invalid argument: the paid period of tenant acme would end at %, after the latest instant supported, 9999-12-31 23:59:59Z', true, 'credit past the bound');
SELECT fg_test.expect_eq(fg_test.dump(), :'before', 'nothing changed');

-- up to the bound it works
SELECT freezegate.record_payment('acme', 2910282, '2031-01-01Z');
SELECT fg_test.expect_eq(fg_test.paid_until('acme') < timestamptz '10000-01-01Z', true, 'paid until just before the bound');
