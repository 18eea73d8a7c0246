-- Freeze requests by e-mail (record_mail_request): one row per Message-ID, the outcome of each kind,
-- the freeze made through request_freeze with requested_by = the sender, audit rows, and the limit
-- of one failure answer per sender per hour.
\set at '''2027-01-10Z'''
SELECT freezegate.create_tenant('acme', 'Director@Acme-School.example', '2027-12-01Z', :at);
SELECT freezegate.add_domain('acme', 'crm.acme-school.example');
SELECT freezegate.create_tenant('beta', 'owner@beta.example', '2027-12-01Z', :at);

CREATE FUNCTION fg_test.mail(message_id text, sender text, authenticated boolean, identifiers text[],
                             starts_at timestamptz, ends_at timestamptz, at timestamptz, may_reply boolean DEFAULT true)
    RETURNS TABLE (request_id bigint, replayed boolean, outcome text, tenant text, freeze_id bigint,
                   sqlstate text, error_message text, error_hint text, reply_due boolean,
                   freeze_first_day date, freeze_last_day date, paid_days_kept integer, paid_until date,
                   time_zone text)
    LANGUAGE sql AS $$
    -- The cases below are written as UTC instants (end exclusive); the function takes the days.
    SELECT * FROM freezegate.record_mail_request($1, $2, $3, $4, ($5 AT TIME ZONE 'UTC')::date,
                                                 ($6 AT TIME ZONE 'UTC')::date - 1, '{"language": "ru"}', $8,
                                                 'intake test', 'UTC', $7)
$$;

-- Accepted: found by its custom domain, the sender's case does not matter (rule 1), paid days kept.
SELECT fg_test.expect_eq(
    (SELECT row(outcome, tenant, replayed, reply_due, freeze_first_day, freeze_last_day, paid_days_kept, paid_until)::text
     FROM fg_test.mail('<a1@acme-school.example>', 'director@acme-school.example', true,
                       '{crm.acme-school.example, gmail.com}', '2027-06-01Z', '2027-07-01Z', :at)),
    row('accepted', 'acme', false, true, date '2027-06-01', date '2027-06-30', 30, date '2027-12-31')::text,
    'accepted request');
SELECT fg_test.expect_eq(
    (SELECT row(f.requested_by, f.starts_at, f.ends_at, r.freeze_id = f.id, r.handled_by, r.replied_at)::text
     FROM freezegate.freezes f JOIN freezegate.freeze_requests r ON r.message_id = '<a1@acme-school.example>'),
    row('director@acme-school.example', timestamptz '2027-06-01Z', timestamptz '2027-07-01Z', true, 'intake test',
        timestamptz '2027-01-10Z')::text,
    'the freeze is the request''s, requested by the sender');

-- Replayed: the same Message-ID again changes nothing and makes no second freeze.
SELECT fg_test.expect_eq(
    (SELECT row(outcome, replayed, reply_due)::text
     FROM fg_test.mail('<a1@acme-school.example>', 'director@acme-school.example', true,
                       '{acme}', '2027-08-01Z', '2027-09-01Z', :at)),
    row('accepted', true, false)::text, 'replayed Message-ID');
SELECT fg_test.expect_eq((SELECT count(*) FROM freezegate.freezes), 1::bigint, 'one freeze');
SELECT fg_test.expect_eq((SELECT count(*) FROM freezegate.freeze_requests), 1::bigint, 'one request row');

-- Refused by a rule: the SQLSTATE, message and hint are recorded; nothing else changes.
SELECT fg_test.expect_eq(
    (SELECT row(outcome, tenant, sqlstate, freeze_id IS NULL, reply_due, error_hint LIKE 'The earliest end for this start is 2027-09-01 00:00:00Z%')::text
     FROM fg_test.mail('<a2@acme-school.example>', 'director@acme-school.example', true,
                       '{acme}', '2027-08-02Z', '2027-08-20Z', :at)),
    row('refused', 'acme', 'FG002', true, true, true)::text, 'refused by rule 2');
SELECT fg_test.expect_eq((SELECT count(*) FROM freezegate.freezes), 1::bigint, 'still one freeze');

-- A second failure within the hour gets no answer; an hour later it does.
SELECT fg_test.expect_eq(
    (SELECT row(outcome, sqlstate, reply_due)::text
     FROM fg_test.mail('<a3@acme-school.example>', 'DIRECTOR@acme-school.example', true,
                       '{acme}', '2027-05-01Z', '2027-06-15Z', timestamptz '2027-01-10 00:59:59Z')),
    row('refused', 'FG006', false)::text, 'no second failure answer within the hour');
SELECT fg_test.expect_eq(
    (SELECT row(outcome, reply_due)::text
     FROM fg_test.mail('<a4@acme-school.example>', 'director@acme-school.example', true,
                       '{acme}', NULL, NULL, timestamptz '2027-01-10 01:00:01Z')),
    row('unreadable', true)::text, 'unreadable, answered after an hour');

-- Unverified: not authenticated; authenticated but not the owner of the named tenant; owner of nothing.
SELECT fg_test.expect_eq(
    (SELECT row(outcome, reply_due, tenant)::text
     FROM fg_test.mail('<u1@x>', 'director@acme-school.example', false, '{acme}', '2027-08-01Z', '2027-09-01Z', :at)),
    row('unverified', false, NULL)::text, 'not authenticated');
SELECT fg_test.expect_eq(
    (SELECT row(outcome, reply_due)::text
     FROM fg_test.mail('<u2@x>', 'owner@beta.example', true, '{acme}', '2027-08-01Z', '2027-09-01Z', :at)),
    row('unverified', false)::text, 'owner of another tenant');
SELECT fg_test.expect_eq(
    (SELECT row(outcome, reply_due)::text
     FROM fg_test.mail('<u3@x>', 'stranger@example.org', true, '{nothing}', '2027-08-01Z', '2027-09-01Z', :at)),
    row('unverified', false)::text, 'owner of nothing');

-- An identifier that names no tenant, from an owner: FG010.
SELECT fg_test.expect_eq(
    (SELECT row(outcome, sqlstate)::text
     FROM fg_test.mail('<r1@beta>', 'owner@beta.example', true, '{gamma}', '2027-08-01Z', '2027-09-01Z', :at)),
    row('refused', 'FG010')::text, 'unknown tenant');

-- Automatic mail (may_reply false) is judged but never answered.
SELECT fg_test.expect_eq(
    (SELECT row(outcome, reply_due)::text
     FROM fg_test.mail('<auto@beta>', 'owner@beta.example', true, '{beta}', '2027-08-01Z', '2027-09-01Z', :at, false)),
    row('accepted', false)::text, 'automatic mail: no answer');

-- Audited: the request rows (insert then outcome) and the freeze, under their operations.
SELECT fg_test.expect_eq(
    (SELECT array_agg(row(operation, table_name, tenant)::text ORDER BY id) FROM freezegate.audit_log
     WHERE tenant = 'acme' AND operation IN ('record_mail_request', 'request_freeze') AND id <= (
        SELECT max(id) FROM freezegate.audit_log WHERE table_name = 'freeze_requests' AND new_row ->> 'message_id' = '<a1@acme-school.example>')),
    ARRAY[
        row('request_freeze', 'freezes', 'acme')::text,
        row('request_freeze', 'freezes', 'acme')::text,
        row('request_freeze', 'tenants', 'acme')::text,
        row('record_mail_request', 'freeze_requests', 'acme')::text],
    'audit rows');
-- Every request row is audited when inserted; its judgement too, unless it left the row as inserted
-- (unverified: the audit trigger writes changes only).
SELECT fg_test.expect_eq(
    (SELECT count(*) FROM freezegate.audit_log WHERE table_name = 'freeze_requests' AND old_row IS NULL),
    (SELECT count(*) FROM freezegate.freeze_requests), 'request rows audited when inserted');
SELECT fg_test.expect_eq(
    (SELECT count(*) FROM freezegate.audit_log WHERE table_name = 'freeze_requests' AND old_row IS NOT NULL),
    (SELECT count(*) FROM freezegate.freeze_requests WHERE outcome <> 'unverified'), 'judgements audited');

SELECT fg_test.expect_error($$SELECT * FROM fg_test.mail(NULL, 'a@b.example', true, '{}', NULL, NULL, now())$$, 'FG014');
