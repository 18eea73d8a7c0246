-- Rule 6: freezes of one tenant never overlap, and none starts in the past.
\set at '''2031-01-01Z'''
SELECT freezegate.create_tenant('acme', 'o@acme.example', '2033-01-01Z', :at);
SELECT freezegate.create_tenant('other', 'o@other.example', '2033-01-01Z', :at);
SELECT freezegate.request_freeze('acme', '2031-03-01Z', '2031-04-01Z', 'o@acme.example', false, :at) AS first_id \gset

-- overlapping windows (inside, around, at either end) are refused
SELECT fg_test.expect_error($$SELECT freezegate.request_freeze('acme', '2031-02-15Z', '2031-03-20Z', 'o@acme.example', false, '2031-01-01Z')$$, 'FG006');
SELECT fg_test.expect_error($$SELECT freezegate.request_freeze('acme', '2031-03-31Z', '2031-05-01Z', 'o@acme.example', false, '2031-01-01Z')$$, 'FG006');
SELECT fg_test.expect_error($$SELECT freezegate.request_freeze('acme', '2031-02-01Z', '2031-05-01Z', 'o@acme.example', false, '2031-01-01Z')$$, 'FG006');
SELECT fg_test.expect_eq(
    fg_test.expect_error($$SELECT freezegate.request_freeze('acme', '2031-03-31 23:59:59Z', '2031-05-01Z', 'o@acme.example', false, '2031-01-01Z')$$, 'FG006'),
    format('rule 6: freezes of one tenant never overlap; [2031-03-31 23:59:59Z, 2031-05-01 00:00:00Z) overlaps freeze %s [2031-03-01 00:00:00Z, 2031-04-01 00:00:00Z) of tenant acme', :first_id),
    'rule 6 overlap message');
-- back to back is not an overlap (windows are half-open)
SELECT freezegate.request_freeze('acme', '2031-04-01Z', '2031-05-01Z', 'o@acme.example', false, :at);
-- another tenant's freeze is no obstacle
SELECT freezegate.request_freeze('other', '2031-03-01Z', '2031-04-01Z', 'o@other.example', false, :at);
SELECT freezegate.request_freeze('other', '2031-01-30Z', '2031-03-01Z', 'o@other.example', false, :at);

-- start in the past: one second before at is refused, at itself is fine
SELECT freezegate.create_tenant('p', 'o@p.example', '2033-01-01Z', '2031-01-01Z');
SELECT fg_test.expect_eq(
    fg_test.expect_error($$SELECT freezegate.request_freeze('p', '2031-06-30 23:59:59Z', '2031-08-01Z', 'o@p.example', false, '2031-07-01Z')$$, 'FG007'),
    'rule 6: a freeze cannot start in the past; starts_at 2031-06-30 23:59:59Z is 0 days 00:00:01 before 2031-07-01 00:00:00Z',
    'rule 6 past message');
SELECT freezegate.request_freeze('p', '2031-07-01Z', '2031-08-01Z', 'o@p.example', false, '2031-07-01Z');

-- the end of an early-ended freeze is its actual end; a cancelled freeze is no obstacle
SELECT freezegate.unfreeze('p', '2031-07-10Z');
SELECT freezegate.create_tenant('c', 'o@c.example', '2033-01-01Z', :at);
SELECT freezegate.request_freeze('c', '2031-09-01Z', '2031-10-01Z', 'o@c.example', false, :at) AS c_id \gset
SELECT freezegate.cancel_freeze(:c_id, :at);
SELECT freezegate.request_freeze('c', '2031-09-01Z', '2031-10-01Z', 'o@c.example', false, :at);

-- the exclusion constraint holds against direct DML too
SELECT fg_test.expect_error($$INSERT INTO freezegate.freezes (tenant, starts_at, ends_at, requested_by) VALUES ('acme', '2031-03-15Z', '2031-06-01Z', 'ops')$$, '23P01');
SELECT fg_test.expect_error($$UPDATE freezegate.freezes SET ends_at = '2031-04-02Z' WHERE tenant = 'acme' AND starts_at = '2031-03-01Z'$$, '23P01');
-- but an early end frees the rest of the window
INSERT INTO freezegate.freezes (tenant, starts_at, ends_at, requested_by) VALUES ('p', '2031-07-15Z', '2031-07-20Z', 'ops');
