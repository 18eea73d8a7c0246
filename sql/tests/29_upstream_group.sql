-- set_upstream_group names a tenant's upstream group: audited and announced like every change,
-- carried by both forms of snapshot_tenants, cleared with NULL or ''; a bad name or an unknown
-- tenant changes nothing.
-- expect-output: Asynchronous notification "freezegate_tenant_changed" with payload "moved" received
LISTEN freezegate_tenant_changed;
\set at '''2031-01-01Z'''
\set snapshot_at 'timestamptz ''2031-01-01Z'''

SELECT freezegate.create_tenant('moved', 'o@moved.example', '2031-12-01Z', :at);
SELECT freezegate.create_tenant('stays', 'o@stays.example', '2031-12-01Z', :at);
SELECT fg_test.expect_eq(
    (SELECT upstream_group FROM freezegate.snapshot_tenants(:snapshot_at) WHERE tenant = 'moved'),
    NULL::text, 'no group at first');

SELECT freezegate.set_upstream_group('moved', 's21');
SELECT fg_test.expect_eq(
    (SELECT row(operation, table_name, old_row ->> 'upstream_group', new_row ->> 'upstream_group')::text
     FROM freezegate.audit_log WHERE tenant = 'moved' ORDER BY id DESC LIMIT 1),
    row('set_upstream_group', 'tenants', NULL, 's21')::text, 'audited with the old and new group');
SELECT fg_test.expect_eq(
    (SELECT array_agg(row(tenant, upstream_group)::text ORDER BY tenant) FROM freezegate.snapshot_tenants(:snapshot_at)),
    ARRAY[row('moved', 's21')::text, row('stays', NULL)::text], 'snapshot_tenants(at)');
SELECT fg_test.expect_eq(
    (SELECT upstream_group FROM freezegate.snapshot_tenants(ARRAY['moved'], :snapshot_at)),
    's21', 'snapshot_tenants(keys, at)');

-- the same group again changes nothing and writes no audit row
SELECT count(*) AS audit_rows FROM freezegate.audit_log \gset
SELECT freezegate.set_upstream_group('moved', 's21');
SELECT fg_test.expect_eq((SELECT count(*) FROM freezegate.audit_log), :audit_rows::bigint, 'no audit row for no change');

-- bad input changes nothing
SELECT fg_test.dump() AS before \gset
SELECT fg_test.expect_error($$SELECT freezegate.set_upstream_group('moved', 'no spaces allowed')$$, 'FG014');
SELECT fg_test.expect_error($$SELECT freezegate.set_upstream_group('moved', repeat('x', 64))$$, 'FG014');
SELECT fg_test.expect_error($$SELECT freezegate.set_upstream_group('nobody', 's21')$$, 'FG010');
SELECT fg_test.expect_error($$UPDATE freezegate.tenants SET upstream_group = 'a b' WHERE key = 'moved'$$, '23514');
SELECT fg_test.expect_eq(fg_test.dump(), :'before', 'a rejected call changes nothing');

-- cleared with '' or NULL
SELECT freezegate.set_upstream_group('moved', '');
SELECT fg_test.expect_eq((SELECT upstream_group FROM freezegate.tenants WHERE key = 'moved'), NULL::text, 'cleared by empty');
SELECT freezegate.set_upstream_group('moved', 'default');
SELECT freezegate.set_upstream_group('moved', NULL);
SELECT fg_test.expect_eq((SELECT upstream_group FROM freezegate.tenants WHERE key = 'moved'), NULL::text, 'cleared by NULL');
