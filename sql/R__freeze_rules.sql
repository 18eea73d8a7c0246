-- The freeze rules of request_freeze, one function per rule, named after it, and the bookkeeping of
-- an accepted request apart from them. Each rule function raises the rule's SQLSTATE (FG001 ...
-- FG007) with a message naming the rule and a hint naming the `freezegate tenant` command that
-- helps, or returns; an error aborts the statement, so a refused request changes nothing.

-- request_freeze(tenant, starts_at, ends_at, requested_by, pay_one_month): the freeze the main
-- administrator asked for, judged by rules 1-6 at `at`; returns the new freeze's id. Rule 6 is
-- judged before rule 3, so that an overlapping request is reported as an overlap, not as a yearly
-- cap exceeded (the overlapped freeze's days would count twice).
CREATE OR REPLACE FUNCTION freezegate.request_freeze(tenant text, starts_at timestamptz, ends_at timestamptz,
                                          requested_by text, pay_one_month boolean DEFAULT false,
                                          at timestamptz DEFAULT now())
    RETURNS bigint
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    SET TimeZone = 'UTC'
AS $$
#variable_conflict use_column
DECLARE
    previous_operation text := freezegate_private.begin_operation('request_freeze');
    tenant_key text := request_freeze.tenant;
    freeze_start timestamptz := request_freeze.starts_at;
    freeze_end timestamptz := request_freeze.ends_at;
    requester text := request_freeze.requested_by;
    with_month boolean := coalesce(request_freeze.pay_one_month, false);
    judged_at timestamptz := request_freeze.at;
    t freezegate.tenants;
    new_id bigint;
BEGIN
    PERFORM freezegate_private.require_instant(judged_at, 'at');
    PERFORM freezegate_private.require_instant(freeze_start, 'starts_at');
    PERFORM freezegate_private.require_instant(freeze_end, 'ends_at');
    IF requester IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'FG014', MESSAGE = 'invalid argument: requested_by must be given';
    END IF;
    IF freeze_end < freeze_start THEN
        RAISE EXCEPTION USING ERRCODE = 'FG014',
            MESSAGE = format('invalid argument: ends_at %s is before starts_at %s',
                freezegate_private.instant_text(freeze_end), freezegate_private.instant_text(freeze_start)),
            HINT = 'Swap them: the freeze runs from --from (starts_at) to --until (ends_at).';
    END IF;
    t := freezegate_private.lock_tenant(tenant_key);

    PERFORM freezegate_private.check_rule_1(tenant_key, requester, t.owner_email);
    PERFORM freezegate_private.check_rule_2(tenant_key, freeze_start, freeze_end);
    PERFORM freezegate_private.check_rule_6(tenant_key, freeze_start, freeze_end, judged_at);
    PERFORM freezegate_private.check_rule_3(tenant_key, freeze_start, freeze_end);
    PERFORM freezegate_private.check_rule_4(tenant_key, t.paid_from, t.paid_until, freeze_start, judged_at);
    PERFORM freezegate_private.check_rule_5(tenant_key, t.paid_until, with_month, judged_at);

    new_id := freezegate_private.record_requested_freeze(tenant_key, t.paid_from, t.paid_until, freeze_start, freeze_end,
                                                  requester, with_month, judged_at);
    PERFORM freezegate_private.end_operation(previous_operation);
    RETURN new_id;
END
$$;

-- Rule 1: a freeze is requested from the main administrator's e-mail: requested_by is the
-- tenant's owner_email, ignoring case (same_email).
CREATE OR REPLACE FUNCTION freezegate_private.check_rule_1(tenant_key text, requested_by text, owner_email text)
    RETURNS void
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF NOT freezegate_private.same_email(requested_by, owner_email) THEN
        RAISE EXCEPTION USING ERRCODE = 'FG001',
            MESSAGE = format('rule 1: a freeze must be requested from the main administrator''s e-mail; %s is not the owner e-mail of tenant %s',
                quote_literal(requested_by), tenant_key),
            HINT = format('The owner e-mail is shown by: freezegate tenant status %s (SQL: SELECT owner_email FROM freezegate.tenants WHERE key = %L;); pass it as --requested-by.',
                tenant_key, tenant_key);
    END IF;
END
$$;

-- Whether two e-mail addresses are the same, ignoring case in every script and whatever the
-- database's locale (ICU's root collation). In a SQL_ASCII database the bytes have no character
-- set, ICU cannot read them, and only ASCII letters are folded.
CREATE OR REPLACE FUNCTION freezegate_private.same_email(a text, b text) RETURNS boolean
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF pg_catalog.getdatabaseencoding() = 'SQL_ASCII' THEN
        RETURN lower(a COLLATE "C") = lower(b COLLATE "C");
    END IF;
    RETURN lower(a COLLATE "und-x-icu") = lower(b COLLATE "und-x-icu");
END
$$;

-- Rule 2: a freeze lasts at least 30 days (ends_at - starts_at, 24-hour days).
CREATE OR REPLACE FUNCTION freezegate_private.check_rule_2(tenant_key text, starts_at timestamptz, ends_at timestamptz)
    RETURNS void
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
    SET TimeZone = 'UTC'
AS $$
BEGIN
    IF ends_at - starts_at < interval '30 days' THEN
        RAISE EXCEPTION USING ERRCODE = 'FG002',
            MESSAGE = format('rule 2: a freeze must last at least 30 days; requested %s',
                freezegate_private.duration_text(ends_at - starts_at)),
            HINT = format('The earliest end for this start is %s: freezegate tenant freeze %s --from %s --until %s ... (SQL: ends_at => %L).',
                freezegate_private.instant_text(starts_at + interval '30 days'), tenant_key, freezegate_private.instant_text(starts_at),
                freezegate_private.instant_text(starts_at + interval '30 days'), freezegate_private.instant_text(starts_at + interval '30 days'));
    END IF;
END
$$;

-- Rule 3: a tenant's freezes cover at most 90 days in every UTC calendar year the new window
-- touches: the parts inside that year of its non-cancelled freezes (all kinds, effective windows)
-- plus the new one's. A freeze across New Year counts its days in each year.
CREATE OR REPLACE FUNCTION freezegate_private.check_rule_3(tenant_key text, starts_at timestamptz, ends_at timestamptz)
    RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    SET TimeZone = 'UTC'
AS $$
#variable_conflict use_variable
DECLARE
    year_start timestamptz;
    year_end timestamptz;
    requested interval;
    already interval;
BEGIN
    FOR year_start IN
        SELECT generate_series(date_trunc('year', starts_at), ends_at - interval '1 microsecond', interval '1 year')
    LOOP
        year_end := year_start + interval '1 year';
        requested := least(ends_at, year_end) - greatest(starts_at, year_start);
        SELECT coalesce(sum(least(freezegate.effective_end(f), year_end) - greatest(f.starts_at, year_start)), interval '0')
        INTO already
        FROM freezegate.freezes AS f
        WHERE f.tenant = tenant_key AND f.cancelled_at IS NULL
          AND f.starts_at < year_end AND freezegate.effective_end(f) > year_start;
        IF already + requested > interval '90 days' THEN
            RAISE EXCEPTION USING ERRCODE = 'FG003',
                MESSAGE = format('rule 3: freezes may cover at most 90 days in calendar year %s; already %s, requested %s in that year, total %s',
                    to_char(year_start, 'YYYY'), freezegate_private.duration_text(already),
                    freezegate_private.duration_text(requested), freezegate_private.duration_text(already + requested)),
                HINT = format('At most %s more can be frozen in %s; the freezes: freezegate tenant status %s (SQL: SELECT * FROM freezegate.freezes WHERE tenant = %L AND cancelled_at IS NULL;).',
                    freezegate_private.duration_text(greatest(interval '90 days' - already, interval '0')), to_char(year_start, 'YYYY'),
                    tenant_key, tenant_key);
        END IF;
    END LOOP;
END
$$;

-- Rule 4: the subscription is active (paid_until > at; an inactive one is rule 5's). With 30 or
-- more paid days left (paid_time_left) the freeze may start on any day from `at` on; with fewer,
-- not before the subscription ends (starts_at >= paid_until).
CREATE OR REPLACE FUNCTION freezegate_private.check_rule_4(tenant_key text, paid_from timestamptz, paid_until timestamptz,
                                                    starts_at timestamptz, at timestamptz)
    RETURNS void
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
    SET TimeZone = 'UTC'
AS $$
DECLARE
    paid_left interval;
BEGIN
    IF NOT paid_until > at THEN
        RETURN;
    END IF;
    paid_left := freezegate_private.paid_time_left(tenant_key, paid_from, paid_until, at);
    IF paid_left < interval '30 days' AND starts_at < paid_until THEN
        RAISE EXCEPTION USING ERRCODE = 'FG004',
            MESSAGE = format('rule 4: with %s of paid time left (fewer than 30 days) a freeze cannot start before the subscription ends at %s; requested start %s',
                freezegate_private.duration_text(paid_left), freezegate_private.instant_text(paid_until),
                freezegate_private.instant_text(starts_at)),
            HINT = format('Start the freeze at or after %s (freezegate tenant freeze %s --from %s ...), or record a payment first: freezegate tenant pay %s --days 30 (SQL: SELECT freezegate.record_payment(%L, 30);).',
                freezegate_private.instant_text(paid_until), tenant_key, freezegate_private.instant_text(paid_until), tenant_key, tenant_key);
    END IF;
END
$$;

-- Paid days left (rule 4): the paid time from `at` to the end of the paid period during which the
-- tenant is not frozen. paid_until already includes the days credited to freezes (running and
-- planned ones); those days are not paid days left, they are frozen days. Computed here only.
CREATE OR REPLACE FUNCTION freezegate_private.paid_time_left(tenant_key text, paid_from timestamptz, paid_until timestamptz,
                                           at timestamptz)
    RETURNS interval
    LANGUAGE sql STABLE
    SET search_path = pg_catalog, pg_temp
    SET TimeZone = 'UTC'
AS $$
    -- The window counted: [greatest(at, paid_from), paid_until). A freeze credited with c covers
    -- the last c of its effective window, [effective_end - c, effective_end), which lies inside
    -- the paid period; only its part after the window's start is subtracted.
    SELECT greatest(
        paid_time_left.paid_until - w.from_instant
            - coalesce(sum(greatest(
                freezegate.effective_end(f) - greatest(freezegate.effective_end(f) - f.credited, w.from_instant),
                interval '0')), interval '0'),
        interval '0')
    FROM (SELECT greatest(paid_time_left.at, coalesce(paid_time_left.paid_from, paid_time_left.at)) AS from_instant) AS w
    LEFT JOIN freezegate.freezes AS f
      ON f.tenant = tenant_key AND f.cancelled_at IS NULL AND f.credited > interval '0'
     AND freezegate.effective_end(f) > w.from_instant
    GROUP BY w.from_instant
$$;

COMMENT ON FUNCTION freezegate_private.paid_time_left(text, timestamptz, timestamptz, timestamptz) IS
    'Rule 4''s paid days left at `at`: paid time from at to paid_until, without the days credited to freezes.';

-- Rule 5: with no active subscription (paid_until <= at) a freeze is accepted only together with
-- the payment of one month (pay_one_month); record_requested_freeze starts that month when the
-- freeze ends.
CREATE OR REPLACE FUNCTION freezegate_private.check_rule_5(tenant_key text, paid_until timestamptz, pay_one_month boolean,
                                                    at timestamptz)
    RETURNS void
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
    SET TimeZone = 'UTC'
AS $$
BEGIN
    IF NOT paid_until > at AND NOT pay_one_month THEN
        RAISE EXCEPTION USING ERRCODE = 'FG005',
            MESSAGE = format('rule 5: tenant %s has no active subscription (paid until %s); a freeze is accepted only together with the payment of one month',
                tenant_key, freezegate_private.instant_text(paid_until)),
            HINT = format('Pay one month with the freeze: freezegate tenant freeze %s ... --pay-one-month (SQL: request_freeze(..., pay_one_month => true)); the month starts running when the freeze ends.',
                tenant_key);
    END IF;
END
$$;

-- Rule 6: a freeze does not start in the past (starts_at >= at) and overlaps no non-cancelled
-- freeze of the tenant (windows [starts_at, effective end); back to back is fine).
CREATE OR REPLACE FUNCTION freezegate_private.check_rule_6(tenant_key text, starts_at timestamptz, ends_at timestamptz, at timestamptz)
    RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    other record;
BEGIN
    IF starts_at < at THEN
        RAISE EXCEPTION USING ERRCODE = 'FG007',
            MESSAGE = format('rule 6: a freeze cannot start in the past; starts_at %s is %s before %s',
                freezegate_private.instant_text(starts_at), freezegate_private.duration_text(at - starts_at),
                freezegate_private.instant_text(at)),
            HINT = format('Choose a start at or after %s: freezegate tenant freeze %s --from %s ... (SQL: starts_at => %L).',
                freezegate_private.instant_text(at), tenant_key, freezegate_private.instant_text(at), freezegate_private.instant_text(at));
    END IF;
    SELECT f.id, f.starts_at, freezegate.effective_end(f) AS effective_end INTO other
    FROM freezegate.freezes AS f
    WHERE f.tenant = tenant_key AND f.cancelled_at IS NULL
      AND tstzrange(f.starts_at, freezegate.effective_end(f)) && tstzrange(starts_at, ends_at)
    ORDER BY f.starts_at
    LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'FG006',
            MESSAGE = format('rule 6: freezes of one tenant never overlap; [%s, %s) overlaps freeze %s [%s, %s) of tenant %s',
                freezegate_private.instant_text(starts_at), freezegate_private.instant_text(ends_at), other.id,
                freezegate_private.instant_text(other.starts_at), freezegate_private.instant_text(other.effective_end), tenant_key),
            HINT = format('Cancel freeze %s with: freezegate tenant cancel %s (SQL: SELECT freezegate.cancel_freeze(%s);), or choose a window from %s on.',
                other.id, other.id, other.id, freezegate_private.instant_text(other.effective_end));
    END IF;
END
$$;

-- The bookkeeping of an accepted request (the rules are judged): the freeze row, the month paid
-- with it, and the paid period re-settled. A month paid while the subscription is active is
-- appended like record_payment(30); otherwise (rule 5) the paid period starts when the freeze
-- ends and lasts the month.
CREATE OR REPLACE FUNCTION freezegate_private.record_requested_freeze(tenant_key text, paid_from timestamptz,
                                                               paid_until timestamptz, freeze_start timestamptz,
                                                               freeze_end timestamptz, requester text,
                                                               with_month boolean, judged_at timestamptz)
    RETURNS bigint
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    SET TimeZone = 'UTC'
AS $$
#variable_conflict use_variable
DECLARE
    period_start timestamptz := paid_from;
    base_end timestamptz := freezegate_private.paid_base_end(tenant_key, paid_from, paid_until);
    month_start timestamptz;
    new_id bigint;
BEGIN
    IF with_month THEN
        IF paid_until > judged_at THEN
            base_end := base_end + interval '30 days';
            month_start := NULL;
        ELSE
            period_start := freeze_end;
            base_end := freeze_end + interval '30 days';
            month_start := freeze_end;
        END IF;
    END IF;
    INSERT INTO freezegate.freezes (tenant, starts_at, ends_at, requested_by, kind, paid_month, created_at)
    VALUES (tenant_key, freeze_start, freeze_end, requester, 'request', with_month, judged_at)
    RETURNING id INTO new_id;
    IF with_month THEN
        INSERT INTO freezegate.payments (tenant, days, starts_at, kind, freeze_id, created_at)
        VALUES (tenant_key, 30, month_start, 'freeze_month', new_id, judged_at);
    END IF;
    PERFORM freezegate_private.settle_paid_period(tenant_key, period_start, base_end);
    RETURN new_id;
END
$$;

-- The internals are not PUBLIC's (PostgreSQL grants EXECUTE on every new function; the schema's
-- USAGE is not PUBLIC's either) and are freezegate_ops'. Repeated on every application, so a
-- function added here is covered as soon as it exists.
REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA freezegate_private FROM PUBLIC;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA freezegate_private TO freezegate_ops;
