-- snapshot_tenants(at) and snapshot_tenants(keys, at): everything the gateway needs.
\set at '''2031-01-01Z'''
SELECT freezegate.create_tenant('plain', 'o@plain.example', '2031-12-01Z', :at);
SELECT freezegate.create_tenant('busy', 'o@busy.example', '2031-12-01Z', :at);
SELECT freezegate.add_domain('busy', 'b.example.com', :at);
SELECT freezegate.add_domain('busy', 'a.example.com', :at);
SELECT freezegate.request_freeze('busy', '2031-05-01Z', '2031-06-01Z', 'o@busy.example', false, :at) AS f2 \gset
SELECT freezegate.request_freeze('busy', '2031-02-01Z', '2031-03-05Z', 'o@busy.example', false, :at) AS f1 \gset
SELECT freezegate.request_freeze('busy', '2032-08-01Z', '2032-09-01Z', 'o@busy.example', false, :at) AS f3 \gset
SELECT freezegate.cancel_freeze(:f3, :at);
SELECT freezegate.unfreeze('busy', '2031-02-20Z');

-- at 2031-02-10 the first freeze runs (its effective end is the unfreeze), the second is to come,
-- the cancelled one is left out; arrays are ordered by start; no NULL arrays
SELECT fg_test.expect_eq(
    (SELECT array_agg(row(s.tenant, s.paid_from, s.paid_until, s.domains, s.freeze_ids, s.freeze_starts, s.freeze_ends)::text ORDER BY s.tenant)
     FROM freezegate.snapshot_tenants(timestamptz '2031-02-10Z') s),
    ARRAY[
        row('busy', NULL::timestamptz, (SELECT paid_until FROM freezegate.tenants WHERE key = 'busy'),
            ARRAY['a.example.com', 'b.example.com'], ARRAY[:f1, :f2]::bigint[],
            ARRAY[timestamptz '2031-02-01Z', timestamptz '2031-05-01Z'],
            ARRAY[timestamptz '2031-02-20Z', timestamptz '2031-06-01Z'])::text,
        row('plain', NULL::timestamptz, timestamptz '2031-12-01Z', '{}'::text[], '{}'::bigint[], '{}'::timestamptz[], '{}'::timestamptz[])::text],
    'full snapshot');
-- a freeze whose effective end is at or before at is left out
SELECT fg_test.expect_eq((SELECT freeze_ids FROM freezegate.snapshot_tenants(timestamptz '2031-02-20Z') WHERE tenant = 'busy'), ARRAY[:f2]::bigint[], 'ended freeze left out');
SELECT fg_test.expect_eq((SELECT freeze_ids FROM freezegate.snapshot_tenants(timestamptz '2031-06-01Z') WHERE tenant = 'busy'), '{}'::bigint[], 'all over');

-- by keys: same rows; an unknown key has no row
SELECT fg_test.expect_eq(
    (SELECT array_agg(row(s.*)::text ORDER BY s.tenant) FROM freezegate.snapshot_tenants(ARRAY['busy', 'plain', 'gone'], timestamptz '2031-02-10Z') s),
    (SELECT array_agg(row(s.*)::text ORDER BY s.tenant) FROM freezegate.snapshot_tenants(timestamptz '2031-02-10Z') s),
    'snapshot by keys');
SELECT fg_test.expect_eq((SELECT count(*) FROM freezegate.snapshot_tenants(ARRAY['gone'], timestamptz '2031-02-10Z')), 0::bigint, 'unknown key');
SELECT fg_test.expect_eq((SELECT domains FROM freezegate.snapshot_tenants(ARRAY['plain'], timestamptz '2031-02-10Z')), '{}'::text[], 'empty arrays by key');
-- the default at is now()
SELECT fg_test.expect_eq((SELECT count(*) FROM freezegate.snapshot_tenants()), 2::bigint, 'snapshot_tenants()');
SELECT fg_test.expect_eq((SELECT count(*) FROM freezegate.snapshot_tenants(ARRAY['plain'])), 1::bigint, 'snapshot_tenants(keys)');
