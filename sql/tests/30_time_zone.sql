-- set_time_zone names the zone of a tenant's blocked-page dates: audited and announced like every
-- change, carried by both forms of snapshot_tenants (with expires_at and delete_after), cleared
-- with NULL or ''; an unknown zone or tenant changes nothing, by the function or by direct DML.
-- expect-output: Asynchronous notification "freezegate_tenant_changed" with payload "east" received
LISTEN freezegate_tenant_changed;
\set at '''2031-01-01Z'''
\set snapshot_at 'timestamptz ''2031-01-01Z'''

SELECT freezegate.create_tenant('east', 'o@east.example', '2031-12-01Z', :at);
SELECT freezegate.create_tenant('west', 'o@west.example', '2031-12-01Z', :at);
SELECT fg_test.expect_eq(
    (SELECT time_zone FROM freezegate.snapshot_tenants(:snapshot_at) WHERE tenant = 'east'),
    NULL::text, 'no zone at first');

SELECT freezegate.set_time_zone('east', 'Asia/Vladivostok');
SELECT fg_test.expect_eq(
    (SELECT row(operation, table_name, old_row ->> 'time_zone', new_row ->> 'time_zone')::text
     FROM freezegate.audit_log WHERE tenant = 'east' ORDER BY id DESC LIMIT 1),
    row('set_time_zone', 'tenants', NULL, 'Asia/Vladivostok')::text, 'audited with the old and new zone');
SELECT fg_test.expect_eq(
    (SELECT array_agg(row(tenant, time_zone)::text ORDER BY tenant) FROM freezegate.snapshot_tenants(:snapshot_at)),
    ARRAY[row('east', 'Asia/Vladivostok')::text, row('west', NULL)::text], 'snapshot_tenants(at)');
SELECT fg_test.expect_eq(
    (SELECT time_zone FROM freezegate.snapshot_tenants(ARRAY['east'], :snapshot_at)),
    'Asia/Vladivostok', 'snapshot_tenants(keys, at)');

-- the same zone again changes nothing and writes no audit row
SELECT count(*) AS audit_rows FROM freezegate.audit_log \gset
SELECT freezegate.set_time_zone('east', 'Asia/Vladivostok');
SELECT fg_test.expect_eq((SELECT count(*) FROM freezegate.audit_log), :audit_rows::bigint, 'no audit row for no change');

-- direct DML is audited too
UPDATE freezegate.tenants SET time_zone = 'Europe/Kaliningrad' WHERE key = 'west';
SELECT fg_test.expect_eq(
    (SELECT row(operation, new_row ->> 'time_zone')::text
     FROM freezegate.audit_log WHERE tenant = 'west' ORDER BY id DESC LIMIT 1),
    row('UPDATE', 'Europe/Kaliningrad')::text, 'direct UPDATE audited');

-- bad input changes nothing
SELECT fg_test.dump() AS before \gset
SELECT fg_test.expect_error($$SELECT freezegate.set_time_zone('east', 'Mars/Olympus_Mons')$$, 'FG014');
SELECT fg_test.expect_error($$SELECT freezegate.set_time_zone('east', 'europe/moscow')$$, 'FG014');
SELECT fg_test.expect_error($$SELECT freezegate.set_time_zone('east', 'posix/Europe/Moscow')$$, 'FG014');
SELECT fg_test.expect_error($$SELECT freezegate.set_time_zone('east', 'Europe/Moscow; DROP TABLE x')$$, 'FG014');
SELECT fg_test.expect_error($$SELECT freezegate.set_time_zone('nobody', 'Europe/Moscow')$$, 'FG010');
SELECT fg_test.expect_error($$SELECT freezegate.set_time_zone('east', 'Europe/Moscow', 'infinity')$$, 'FG014');
SELECT fg_test.expect_error($$UPDATE freezegate.tenants SET time_zone = 'Nowhere/Land' WHERE key = 'east'$$, '23514');
SELECT fg_test.expect_eq(fg_test.dump(), :'before', 'a rejected call changes nothing');

-- the message names the zone and the hint says what to use
DO $$
BEGIN
    PERFORM freezegate.set_time_zone('east', 'Mars/Olympus_Mons');
EXCEPTION WHEN OTHERS THEN
    PERFORM fg_test.expect_eq(SQLERRM, 'invalid argument: time zone ''Mars/Olympus_Mons'' is not a known IANA time zone', 'message');
END
$$;

-- cleared with '' or NULL
SELECT freezegate.set_time_zone('east', '');
SELECT fg_test.expect_eq((SELECT time_zone FROM freezegate.tenants WHERE key = 'east'), NULL::text, 'cleared by empty');
SELECT freezegate.set_time_zone('east', 'UTC');
SELECT fg_test.expect_eq((SELECT time_zone FROM freezegate.tenants WHERE key = 'east'), 'UTC', 'UTC is a zone');
SELECT freezegate.set_time_zone('east', NULL);
SELECT fg_test.expect_eq((SELECT time_zone FROM freezegate.tenants WHERE key = 'east'), NULL::text, 'cleared by NULL');

-- expires_at and delete_after: from paid_until, or from the end of the last freeze when later
SELECT fg_test.expect_eq(
    (SELECT row(expires_at, delete_after)::text FROM freezegate.snapshot_tenants(:snapshot_at) WHERE tenant = 'east'),
    row(timestamptz '2031-12-01Z', timestamptz '2031-12-31Z')::text, 'expires at paid_until without freezes');
SELECT freezegate.force_freeze('east', '2032-01-10Z', '2032-03-01Z', 'closed for repairs', :at);
SELECT fg_test.expect_eq(
    (SELECT row(expires_at, delete_after)::text FROM freezegate.snapshot_tenants(ARRAY['east'], timestamptz '2032-06-01Z')),
    row(timestamptz '2032-03-01Z', timestamptz '2032-03-31Z')::text, 'a freeze ending after paid_until moves both');
SELECT fg_test.expect_eq(
    (SELECT delete_after FROM freezegate.tenant_status_at('2032-06-01Z') WHERE tenant = 'east'),
    (SELECT delete_after FROM freezegate.snapshot_tenants(timestamptz '2032-06-01Z') WHERE tenant = 'east'),
    'the same delete_after as tenant_status_at for an expired tenant');
