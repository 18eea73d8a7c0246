-- tenant_status_at: states, the running freeze's window, delete_after for expired tenants only.
\set at '''2031-01-01Z'''
SELECT freezegate.create_tenant('active', 'o@a.example', '2031-12-01Z', :at);
SELECT freezegate.create_tenant('gone', 'o@g.example', '2031-03-01Z', :at);
SELECT freezegate.create_tenant('frozen', 'o@f.example', '2031-12-01Z', :at);
SELECT freezegate.request_freeze('frozen', '2031-02-01Z', '2031-03-15Z', 'o@f.example', false, :at);

SELECT fg_test.expect_eq((SELECT array_agg(row(s.*)::text ORDER BY s.tenant) FROM freezegate.tenant_status_at('2031-02-10Z') s),
    ARRAY[
        row('active', 'active', NULL::timestamptz, NULL::timestamptz, timestamptz '2031-12-01Z', NULL::timestamptz)::text,
        row('frozen', 'frozen', timestamptz '2031-02-01Z', timestamptz '2031-03-15Z', timestamptz '2031-12-01Z' + interval '42 days', NULL::timestamptz)::text,
        row('gone', 'active', NULL::timestamptz, NULL::timestamptz, timestamptz '2031-03-01Z', NULL::timestamptz)::text],
    'status on 2031-02-10');
-- paid_until = at is expired; delete_after = paid_until + 30 days
SELECT fg_test.expect_eq((SELECT row(s.state, s.delete_after)::text FROM freezegate.tenant_status_at('2031-03-01Z') s WHERE tenant = 'gone'),
    row('expired', timestamptz '2031-03-31Z')::text, 'expired with delete_after');
SELECT fg_test.expect_eq((SELECT row(s.state, s.delete_after)::text FROM freezegate.tenant_status_at(timestamptz '2031-03-01Z' - interval '1 second') s WHERE tenant = 'gone'),
    row('active', NULL::timestamptz)::text, 'active one second before');
-- delete_after counts from the end of the last freeze when that is later than paid_until
SELECT freezegate.force_freeze('gone', '2031-04-01Z', '2031-05-01Z', 'audit', '2031-03-10Z');
SELECT fg_test.expect_eq((SELECT row(s.state, s.delete_after)::text FROM freezegate.tenant_status_at('2031-03-10Z') s WHERE tenant = 'gone'),
    row('expired', timestamptz '2031-05-31Z')::text, 'delete_after after the last freeze');
SELECT fg_test.expect_eq((SELECT row(s.state, s.frozen_from, s.frozen_until, s.delete_after)::text FROM freezegate.tenant_status_at('2031-04-10Z') s WHERE tenant = 'gone'),
    row('frozen', timestamptz '2031-04-01Z', timestamptz '2031-05-01Z', NULL::timestamptz)::text, 'frozen: no delete_after');
-- an early unfreeze ends the window at the unfreeze
SELECT freezegate.unfreeze('gone', '2031-04-11Z');
SELECT fg_test.expect_eq((SELECT row(s.state, s.delete_after)::text FROM freezegate.tenant_status_at('2031-04-11Z') s WHERE tenant = 'gone'),
    row('expired', timestamptz '2031-05-11Z')::text, 'delete_after from the actual end');
-- the view is tenant_status_at(now())
SELECT fg_test.expect_eq((SELECT count(*) FROM freezegate.tenant_status), 3::bigint, 'view lists every tenant');
SELECT fg_test.expect_eq((SELECT array_agg(row(v.*)::text ORDER BY v.tenant) FROM freezegate.tenant_status v),
    (SELECT array_agg(row(s.*)::text ORDER BY s.tenant) FROM freezegate.tenant_status_at(now()) s), 'view = tenant_status_at(now())');
