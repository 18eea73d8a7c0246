-- Every rule's message names the rule; its hint names the `freezegate tenant` command that helps,
-- with the SQL as a second option.
\set at '''2031-01-01Z'''
CREATE FUNCTION pg_temp.failure(stmt text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE state text; msg text; hint text;
BEGIN
    EXECUTE stmt;
    RAISE EXCEPTION 'expected a failure: %', stmt;
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, hint = PG_EXCEPTION_HINT;
    IF msg LIKE 'expected a failure:%' THEN RAISE; END IF;
    RETURN state || E'\n' || msg || E'\n' || hint;
END
$$;
CREATE FUNCTION pg_temp.check(stmt text, state text, message_prefix text, hint_pattern text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE got text[] := string_to_array(pg_temp.failure(stmt), E'\n');
BEGIN
    PERFORM fg_test.expect_eq(got[1], state, 'SQLSTATE of ' || stmt);
    IF got[2] NOT LIKE message_prefix || '%' THEN
        RAISE EXCEPTION 'message of % does not start with %: %', stmt, message_prefix, got[2];
    END IF;
    IF got[3] !~ hint_pattern THEN
        RAISE EXCEPTION 'hint of % does not match %: %', stmt, hint_pattern, got[3];
    END IF;
END
$$;

SELECT freezegate.create_tenant('acme', 'o@acme.example', timestamptz :at + interval '20 days', :at);
SELECT freezegate.create_tenant('late', 'o@late.example', '2030-12-01Z', '2030-01-01Z');
SELECT freezegate.create_tenant('full', 'o@full.example', '2032-12-01Z', :at);
SELECT freezegate.request_freeze('full', '2031-02-01Z', '2031-05-02Z', 'o@full.example', false, :at) AS full_id \gset
SELECT freezegate.request_freeze('acme', '2031-02-01Z', '2031-03-15Z', 'o@acme.example', false, :at) AS acme_id \gset

SELECT pg_temp.check($$SELECT freezegate.request_freeze('acme', '2031-06-01Z', '2031-07-15Z', 'x@acme.example', false, '2031-01-01Z')$$,
    'FG001', 'rule 1:', '^The owner e-mail is shown by: freezegate tenant status acme \(SQL: SELECT owner_email .*--requested-by');
SELECT pg_temp.check($$SELECT freezegate.request_freeze('acme', '2031-06-01Z', '2031-06-15Z', 'o@acme.example', false, '2031-01-01Z')$$,
    'FG002', 'rule 2:', '^The earliest end for this start is 2031-07-01 00:00:00Z: freezegate tenant freeze acme --from 2031-06-01 00:00:00Z --until 2031-07-01 00:00:00Z .*\(SQL: ');
SELECT pg_temp.check($$SELECT freezegate.request_freeze('full', '2031-06-01Z', '2031-07-01Z', 'o@full.example', false, '2031-01-01Z')$$,
    'FG003', 'rule 3:', '^At most 0 days more can be frozen in 2031; the freezes: freezegate tenant status full \(SQL: SELECT ');
SELECT pg_temp.check($$SELECT freezegate.request_freeze('acme', '2031-01-05Z', '2031-02-01Z', 'o@acme.example', false, '2031-01-01Z')$$,
    'FG002', 'rule 2:', 'freezegate tenant freeze acme');
SELECT pg_temp.check($$SELECT freezegate.request_freeze('acme', '2031-01-02Z', '2031-02-01Z', 'o@acme.example', false, '2031-01-01Z')$$,
    'FG004', 'rule 4:', 'freezegate tenant freeze acme --from .*freezegate tenant pay acme --days 30 \(SQL: SELECT freezegate.record_payment');
SELECT pg_temp.check($$SELECT freezegate.request_freeze('late', '2031-04-01Z', '2031-05-01Z', 'o@late.example', false, '2031-01-01Z')$$,
    'FG005', 'rule 5:', 'freezegate tenant freeze late \.\.\. --pay-one-month \(SQL: request_freeze\(\.\.\., pay_one_month => true\)\)');
SELECT pg_temp.check(format($$SELECT freezegate.request_freeze('acme', '2031-03-01Z', '2031-04-15Z', 'o@acme.example', true, '2031-01-01Z')$$),
    'FG006', 'rule 6:', format('^Cancel freeze %s with: freezegate tenant cancel %s \(SQL: SELECT freezegate.cancel_freeze\(%s\);\), or choose a window from 2031-03-15 00:00:00Z on', :acme_id, :acme_id, :acme_id));
SELECT pg_temp.check($$SELECT freezegate.force_freeze('acme', '2031-03-01Z', '2031-04-15Z', 'flood', '2031-01-01Z')$$,
    'FG006', 'rule 6:', 'freezegate tenant cancel');
SELECT pg_temp.check($$SELECT freezegate.request_freeze('late', '2030-12-31Z', '2031-02-01Z', 'o@late.example', true, '2031-01-01Z')$$,
    'FG007', 'rule 6:', '^Choose a start at or after 2031-01-01 00:00:00Z: freezegate tenant freeze late --from 2031-01-01 00:00:00Z');
SELECT pg_temp.check($$SELECT freezegate.record_payment('nobody', 10, '2031-01-01Z')$$,
    'FG010', 'unknown tenant', 'freezegate tenant list \(SQL: SELECT key FROM freezegate.tenants;\)');
SELECT pg_temp.check($$SELECT freezegate.cancel_freeze(999999, '2031-01-01Z')$$,
    'FG011', 'unknown freeze', 'freezegate tenant status TENANT \(SQL: ');
SELECT pg_temp.check(format('SELECT freezegate.cancel_freeze(%s, %L)', :acme_id, '2031-02-02Z'),
    'FG012', format('freeze %s of tenant acme has already started', :acme_id), '^End a running freeze with: freezegate tenant unfreeze acme \(SQL: SELECT freezegate.unfreeze');
SELECT pg_temp.check($$SELECT freezegate.unfreeze('acme', '2031-01-02Z')$$,
    'FG013', 'tenant acme has no freeze running', 'freezegate tenant cancel FREEZE-ID, ids from: freezegate tenant status acme \(SQL: ');
