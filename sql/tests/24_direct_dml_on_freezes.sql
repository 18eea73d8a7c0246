-- Deleting a planned freeze or setting its cancelled_at by hand gives back its credit exactly as
-- cancel_freeze does (same paid_from, paid_until, credits); audited and announced as DML.
-- Twin tenants: one through cancel_freeze(id, now()), the other by hand.
-- One transaction, so that now() is one instant throughout.
BEGIN;
CREATE FUNCTION pg_temp.paid(key text) RETURNS text LANGUAGE sql AS $$
    SELECT row(t.paid_from, t.paid_until, (SELECT array_agg(f.credited ORDER BY f.starts_at) FROM freezegate.freezes f
                                         WHERE f.tenant = t.key AND f.cancelled_at IS NULL))::text
    FROM freezegate.tenants t WHERE t.key = $1 $$;

-- A planned freeze inside the paid period, and a later one that keeps time too.
SELECT freezegate.create_tenant(k, 'o@' || k || '.example', now() + interval '100 days', now())
FROM unnest(ARRAY['fn', 'del', 'upd']) AS k;
SELECT freezegate.request_freeze(k, now() + interval '10 days', now() + interval '50 days', 'o@' || k || '.example')
FROM unnest(ARRAY['fn', 'del', 'upd']) AS k;
SELECT freezegate.request_freeze(k, now() + interval '60 days', now() + interval '100 days', 'o@' || k || '.example')
FROM unnest(ARRAY['fn', 'del', 'upd']) AS k;
SELECT fg_test.expect_eq(fg_test.paid_until('del'), now() + interval '180 days', 'both freezes keep 40 days');

SELECT freezegate.cancel_freeze((SELECT id FROM freezegate.freezes WHERE tenant = 'fn' ORDER BY starts_at LIMIT 1));
SELECT max(id) AS audit_before FROM freezegate.audit_log \gset
DELETE FROM freezegate.freezes WHERE id = (SELECT id FROM freezegate.freezes WHERE tenant = 'del' ORDER BY starts_at LIMIT 1);
UPDATE freezegate.freezes SET cancelled_at = now() WHERE id = (SELECT id FROM freezegate.freezes WHERE tenant = 'upd' ORDER BY starts_at LIMIT 1);
SELECT fg_test.expect_eq(fg_test.paid_until('fn'), now() + interval '140 days', 'cancel_freeze gives back 40 days');
SELECT fg_test.expect_eq(pg_temp.paid('del'), pg_temp.paid('fn'), 'DELETE by hand = cancel_freeze');
SELECT fg_test.expect_eq(pg_temp.paid('upd'), pg_temp.paid('fn'), 'UPDATE cancelled_at by hand = cancel_freeze');
SELECT fg_test.expect_eq((SELECT credited FROM freezegate.freezes WHERE tenant = 'upd' AND cancelled_at IS NOT NULL), interval '0', 'cancelled keeps nothing');
-- audited as DML: the row itself, then the tenant's paid_until
SELECT fg_test.expect_eq((SELECT string_agg(operation || ' ' || table_name || ' ' || tenant, ', ' ORDER BY id) FROM freezegate.audit_log WHERE id > :audit_before),
    'DELETE freezes del, UPDATE tenants del, UPDATE freezes upd, UPDATE tenants upd', 'audit rows');

-- A rule-5 freeze (the month was to start at its end) deleted by hand: the month starts now, as with cancel_freeze.
SELECT freezegate.create_tenant(k, 'o@' || k || '.example', now() - interval '5 days', now() - interval '100 days')
FROM unnest(ARRAY['fn5', 'del5', 'upd5']) AS k;
SELECT freezegate.request_freeze(k, now() + interval '10 days', now() + interval '50 days', 'o@' || k || '.example', true)
FROM unnest(ARRAY['fn5', 'del5', 'upd5']) AS k;
SELECT freezegate.cancel_freeze((SELECT id FROM freezegate.freezes WHERE tenant = 'fn5'));
DELETE FROM freezegate.freezes WHERE tenant = 'del5';
UPDATE freezegate.freezes SET cancelled_at = now() WHERE tenant = 'upd5';
SELECT fg_test.expect_eq(pg_temp.paid('fn5'), row(now(), now() + interval '30 days', NULL::interval[])::text, 'month from now');
SELECT fg_test.expect_eq(pg_temp.paid('del5'), pg_temp.paid('fn5'), 'rule 5 DELETE by hand = cancel_freeze');
SELECT fg_test.expect_eq(pg_temp.paid('upd5'), pg_temp.paid('fn5'), 'rule 5 UPDATE by hand = cancel_freeze');

-- Two freezes of one tenant deleted in one statement: all their credit goes.
SELECT freezegate.create_tenant('both', 'o@both.example', now() + interval '100 days', now());
SELECT freezegate.request_freeze('both', now() + interval '10 days', now() + interval '40 days', 'o@both.example');
SELECT freezegate.request_freeze('both', now() + interval '60 days', now() + interval '90 days', 'o@both.example');
DELETE FROM freezegate.freezes WHERE tenant = 'both';
SELECT fg_test.expect_eq(fg_test.paid_until('both'), now() + interval '100 days', 'both credits given back');

-- Deleting a tenant deletes its freezes; nothing to settle.
DELETE FROM freezegate.tenants WHERE key = 'both';
-- Other changes of a freeze by hand are not re-settled, and a function's own updates are not re-settled twice.
SELECT freezegate.create_tenant('fnonly', 'o@fnonly.example', now() + interval '100 days', now());
SELECT freezegate.request_freeze('fnonly', now() + interval '10 days', now() + interval '40 days', 'o@fnonly.example') AS fid \gset
SELECT freezegate.unfreeze('fnonly', now() + interval '15 days');
SELECT fg_test.expect_eq(fg_test.paid_until('fnonly'), now() + interval '100 days', 'unfreeze settles once');
COMMIT;
