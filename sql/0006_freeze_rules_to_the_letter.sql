-- The freeze rules held to the letter of the original rules and CONTRACT.md section 7: the early
-- unfreeze of a paid-month freeze, rule 4's paid days left, every isolation level, the status
-- function's argument, a locale-independent rule 1, direct DML on freezes, named errors for bad
-- arguments, and hints naming the `freezegate tenant` commands. Replaces functions of 0004 and
-- 0005; see sql/README.md for the model.

-- ---------------------------------------------------------------------------------------------
-- Bad arguments get named errors (FG014), never a raw PostgreSQL error: every instant lies in
-- years 1 to 9999, and no payment or credit may move paid_until past 9999-12-31 23:59:59Z
-- (PostgreSQL's own limit is year 294276; a payment of 2^31 days overflowed it with 22008).
-- ---------------------------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION freezegate._require_instant(value timestamptz, name text) RETURNS void
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF value IS NULL OR NOT isfinite(value) THEN
        RAISE EXCEPTION USING ERRCODE = 'FG014',
            MESSAGE = format('invalid argument: %s must be a finite timestamptz, got %s', name, coalesce(value::text, 'NULL'));
    END IF;
    IF value < timestamptz '0001-01-01 00:00:00Z' OR value >= timestamptz '10000-01-01 00:00:00Z' THEN
        RAISE EXCEPTION USING ERRCODE = 'FG014',
            MESSAGE = format('invalid argument: %s %s is outside the supported range 0001-01-01 00:00:00Z to 9999-12-31 23:59:59Z',
                name, value AT TIME ZONE 'UTC');
    END IF;
END
$$;

-- ---------------------------------------------------------------------------------------------
-- Early unfreeze: "if an unfreeze is needed earlier than one month, the period is paid from the
-- start of the freeze". A freeze ended before 30 days keeps no paid time (0004 already); and when
-- the paid period was to start at its end (rule 5's month), that period now starts at the
-- freeze's start, not at the unfreeze: the frozen days are charged as if there had been no freeze.
-- ---------------------------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION freezegate.unfreeze(tenant text, at timestamptz DEFAULT now())
    RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    SET TimeZone = 'UTC'
AS $$
#variable_conflict use_column
DECLARE
    previous_operation text := freezegate._begin_operation('unfreeze');
    tenant_key text := unfreeze.tenant;
    judged_at timestamptz := unfreeze.at;
    t freezegate.tenants;
    running freezegate.freezes;
    planned_end timestamptz;
    period_start timestamptz;
    base_end timestamptz;
BEGIN
    PERFORM freezegate._require_instant(judged_at, 'at');
    t := freezegate._lock_tenant(tenant_key);
    running := freezegate._running_freeze(tenant_key, judged_at);
    IF running.id IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'FG013',
            MESSAGE = format('tenant %s has no freeze running at %s', tenant_key, freezegate._instant_text(judged_at)),
            HINT = format('A freeze that has not started is cancelled with: freezegate tenant cancel FREEZE-ID, ids from: freezegate tenant status %s (SQL: SELECT freezegate.cancel_freeze(id);).',
                tenant_key);
    END IF;
    planned_end := coalesce(running.ended_at, running.ends_at);
    period_start := t.paid_from;
    base_end := freezegate._paid_base_end(tenant_key, t.paid_from, t.paid_until);
    IF period_start = planned_end THEN
        -- The paid period was to start when this freeze ends (rule 5's month). Ended before 30
        -- days, the freeze is charged from its start: the period starts there. Ended later, the
        -- freeze keeps the days it ran and the period starts now.
        IF freezegate._keeps_paid_time(running.starts_at, judged_at) THEN
            period_start := judged_at;
        ELSE
            period_start := running.starts_at;
        END IF;
        base_end := base_end - (planned_end - period_start);
    END IF;
    UPDATE freezegate.freezes AS f SET ended_at = judged_at WHERE f.id = running.id;
    PERFORM freezegate._settle_paid_period(tenant_key, period_start, base_end);
    PERFORM freezegate._end_operation(previous_operation);
END
$$;

-- ---------------------------------------------------------------------------------------------
-- Paid days left (rule 4): the paid time from `at` to the end of the paid period during which the
-- tenant is not frozen. paid_until already includes the days credited to freezes (running and
-- planned ones); those days are not paid days left, they are frozen days. Computed here only.
-- ---------------------------------------------------------------------------------------------
CREATE FUNCTION freezegate._paid_time_left(tenant_key text, paid_from timestamptz, paid_until timestamptz,
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
        _paid_time_left.paid_until - w.from_instant
            - coalesce(sum(greatest(
                coalesce(f.ended_at, f.ends_at) - greatest(coalesce(f.ended_at, f.ends_at) - f.credited, w.from_instant),
                interval '0')), interval '0'),
        interval '0')
    FROM (SELECT greatest(_paid_time_left.at, coalesce(_paid_time_left.paid_from, _paid_time_left.at)) AS from_instant) AS w
    LEFT JOIN freezegate.freezes AS f
      ON f.tenant = tenant_key AND f.cancelled_at IS NULL AND f.credited > interval '0'
     AND coalesce(f.ended_at, f.ends_at) > w.from_instant
    GROUP BY w.from_instant
$$;

COMMENT ON FUNCTION freezegate._paid_time_left(text, timestamptz, timestamptz, timestamptz) IS
    'Rule 4''s paid days left at `at`: paid time from at to paid_until, without the days credited to freezes.';

-- ---------------------------------------------------------------------------------------------
-- Rule 1 compares e-mails case-insensitively whatever the database's locale: lower() follows the
-- database's LC_CTYPE, and with LC_CTYPE=C it lower-cases ASCII only ('Ärzte' <> 'ärzte').
-- ICU's root locale ("und-x-icu", created by initdb when PostgreSQL is built with ICU, as
-- Debian's and the official images are) lower-cases every script the same way everywhere.
-- ---------------------------------------------------------------------------------------------
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_collation WHERE collname = 'und-x-icu') THEN
        RAISE EXCEPTION 'FreezeGate needs PostgreSQL built with ICU (collation "und-x-icu" is missing): rule 1 compares e-mails with it';
    END IF;
END
$$;

-- Whether two e-mail addresses are the same, ignoring case (rule 1). In a SQL_ASCII database the
-- bytes have no character set, ICU cannot read them, and only ASCII letters are folded.
CREATE FUNCTION freezegate._same_email(a text, b text) RETURNS boolean
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

-- Rule 4 judges the paid days left (freezegate._paid_time_left), not paid_until - at; rule 1 uses
-- freezegate._same_email.
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
    previous_operation text := freezegate._begin_operation('request_freeze');
    tenant_key text := request_freeze.tenant;
    freeze_start timestamptz := request_freeze.starts_at;
    freeze_end timestamptz := request_freeze.ends_at;
    requester text := request_freeze.requested_by;
    with_month boolean := coalesce(request_freeze.pay_one_month, false);
    judged_at timestamptz := request_freeze.at;
    t freezegate.tenants;
    active boolean;
    paid_left interval;
    period_start timestamptz;
    base_end timestamptz;
    month_start timestamptz;
    new_id bigint;
BEGIN
    PERFORM freezegate._require_instant(judged_at, 'at');
    PERFORM freezegate._require_instant(freeze_start, 'starts_at');
    PERFORM freezegate._require_instant(freeze_end, 'ends_at');
    IF requester IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'FG014', MESSAGE = 'invalid argument: requested_by must be given';
    END IF;
    IF freeze_end < freeze_start THEN
        RAISE EXCEPTION USING ERRCODE = 'FG014',
            MESSAGE = format('invalid argument: ends_at %s is before starts_at %s',
                freezegate._instant_text(freeze_end), freezegate._instant_text(freeze_start)),
            HINT = 'Swap them: the freeze runs from --from (starts_at) to --until (ends_at).';
    END IF;
    t := freezegate._lock_tenant(tenant_key);

    -- Rule 1: requested from the main administrator's e-mail.
    IF NOT freezegate._same_email(requester, t.owner_email) THEN
        RAISE EXCEPTION USING ERRCODE = 'FG001',
            MESSAGE = format('rule 1: a freeze must be requested from the main administrator''s e-mail; %s is not the owner e-mail of tenant %s',
                quote_literal(requester), tenant_key),
            HINT = format('The owner e-mail is shown by: freezegate tenant status %s (SQL: SELECT owner_email FROM freezegate.tenants WHERE key = %L;); pass it as --requested-by.',
                tenant_key, tenant_key);
    END IF;

    -- Rule 2: at least 30 days.
    IF freeze_end - freeze_start < interval '30 days' THEN
        RAISE EXCEPTION USING ERRCODE = 'FG002',
            MESSAGE = format('rule 2: a freeze must last at least 30 days; requested %s',
                freezegate._duration_text(freeze_end - freeze_start)),
            HINT = format('The earliest end for this start is %s: freezegate tenant freeze %s --from %s --until %s ... (SQL: ends_at => %L).',
                freezegate._instant_text(freeze_start + interval '30 days'), tenant_key, freezegate._instant_text(freeze_start),
                freezegate._instant_text(freeze_start + interval '30 days'), freezegate._instant_text(freeze_start + interval '30 days'));
    END IF;

    -- Rule 6: not in the past, no overlap.
    PERFORM freezegate._check_rule_6(tenant_key, freeze_start, freeze_end, judged_at);

    -- Rule 3: at most 90 days per calendar year.
    PERFORM freezegate._check_rule_3(tenant_key, freeze_start, freeze_end);

    -- Rules 4 and 5: the subscription.
    active := t.paid_until > judged_at;
    IF active THEN
        paid_left := freezegate._paid_time_left(tenant_key, t.paid_from, t.paid_until, judged_at);
        IF paid_left < interval '30 days' AND freeze_start < t.paid_until THEN
            RAISE EXCEPTION USING ERRCODE = 'FG004',
                MESSAGE = format('rule 4: with %s of paid time left (fewer than 30 days) a freeze cannot start before the subscription ends at %s; requested start %s',
                    freezegate._duration_text(paid_left), freezegate._instant_text(t.paid_until),
                    freezegate._instant_text(freeze_start)),
                HINT = format('Start the freeze at or after %s (freezegate tenant freeze %s --from %s ...), or record a payment first: freezegate tenant pay %s --days 30 (SQL: SELECT freezegate.record_payment(%L, 30);).',
                    freezegate._instant_text(t.paid_until), tenant_key, freezegate._instant_text(t.paid_until), tenant_key, tenant_key);
        END IF;
    ELSIF NOT with_month THEN
        RAISE EXCEPTION USING ERRCODE = 'FG005',
            MESSAGE = format('rule 5: tenant %s has no active subscription (paid until %s); a freeze is accepted only together with the payment of one month',
                tenant_key, freezegate._instant_text(t.paid_until)),
            HINT = format('Pay one month with the freeze: freezegate tenant freeze %s ... --pay-one-month (SQL: request_freeze(..., pay_one_month => true)); the month starts running when the freeze ends.',
                tenant_key);
    END IF;

    period_start := t.paid_from;
    base_end := freezegate._paid_base_end(tenant_key, t.paid_from, t.paid_until);
    IF with_month THEN
        IF active THEN
            -- Paying a month while active: the month is appended like record_payment(30).
            base_end := base_end + interval '30 days';
            month_start := NULL;
        ELSE
            -- Rule 5: the paid month starts running when the freeze ends.
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
    PERFORM freezegate._settle_paid_period(tenant_key, period_start, base_end);
    PERFORM freezegate._end_operation(previous_operation);
    RETURN new_id;
END
$$;

-- ---------------------------------------------------------------------------------------------
-- Every isolation level: every function that works on a tenant locks its row and WRITES it,
-- without changing a value (paid_until = paid_until). The write makes a new row version, so a
-- concurrent transaction that reaches the same tenant with a snapshot older than our commit
-- fails with a serialization failure (40001) under REPEATABLE READ and SERIALIZABLE, instead of
-- judging the rules (e.g. rule 3's 90 days) without our freeze; under READ COMMITTED it waits and
-- then reads our freeze, as before. An UPDATE that changes nothing is neither written to the
-- audit log nor announced (the triggers of 0003 compare OLD and NEW).
-- ---------------------------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION freezegate._lock_tenant(key text) RETURNS freezegate.tenants
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    locked freezegate.tenants;
BEGIN
    SELECT * INTO locked FROM freezegate.tenants AS t WHERE t.key = _lock_tenant.key FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'FG010',
            MESSAGE = format('unknown tenant %s', coalesce(quote_literal(_lock_tenant.key), 'NULL')),
            HINT = 'Tenant keys are lower-case DNS labels; list them with: freezegate tenant list (SQL: SELECT key FROM freezegate.tenants;).';
    END IF;
    UPDATE freezegate.tenants AS t SET paid_until = t.paid_until WHERE t.key = _lock_tenant.key;
    RETURN locked;
END
$$;

-- ---------------------------------------------------------------------------------------------
-- tenant_status_at takes `at timestamptz DEFAULT now()` like every other function, and a NULL or
-- infinite instant raises FG014 instead of reporting every tenant as expired. Same signature and
-- result as 0005's, so the view tenant_status keeps working.
-- ---------------------------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION freezegate.tenant_status_at(at timestamptz DEFAULT now())
    RETURNS TABLE (tenant text, state text, frozen_from timestamptz, frozen_until timestamptz,
                   paid_until timestamptz, delete_after timestamptz)
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
    SET TimeZone = 'UTC'
AS $$
#variable_conflict use_column
DECLARE
    judged_at timestamptz := tenant_status_at.at;
BEGIN
    PERFORM freezegate._require_instant(judged_at, 'at');
    RETURN QUERY
    SELECT t.key::text,
           s.state,
           running.starts_at,
           running.effective_end,
           t.paid_until,
           CASE WHEN s.state = 'expired'
                THEN greatest(t.paid_until, last_freeze.effective_end) + interval '30 days' END
    FROM freezegate.tenants AS t
    LEFT JOIN LATERAL (
        SELECT f.starts_at, coalesce(f.ended_at, f.ends_at) AS effective_end
        FROM freezegate.freezes AS f
        WHERE f.tenant = t.key AND f.cancelled_at IS NULL
          AND f.starts_at <= judged_at AND judged_at < coalesce(f.ended_at, f.ends_at)
        ORDER BY f.starts_at
        LIMIT 1
    ) AS running ON true
    LEFT JOIN LATERAL (
        SELECT max(coalesce(f.ended_at, f.ends_at)) AS effective_end
        FROM freezegate.freezes AS f
        WHERE f.tenant = t.key AND f.cancelled_at IS NULL
    ) AS last_freeze ON true
    CROSS JOIN LATERAL (
        SELECT CASE
            WHEN running.starts_at IS NOT NULL THEN 'frozen'
            WHEN (t.paid_from IS NULL OR t.paid_from <= judged_at) AND judged_at < t.paid_until THEN 'active'
            ELSE 'expired'
        END AS state
    ) AS s;
END
$$;

-- ---------------------------------------------------------------------------------------------
-- Direct DML on freezes keeps paid time consistent: deleting a freeze or setting its
-- cancelled_at by hand gives back its credit and re-settles the paid period exactly as
-- cancel_freeze does (both call _settle_released_freeze). The functions settle their own
-- changes: while one runs (freezegate.operation set) the triggers do nothing, and they fire only
-- for the columns below, never for the credit updates of _settle_paid_period.
-- ---------------------------------------------------------------------------------------------

-- Re-settles the tenant's paid period after `released` (the freeze's row before it was cancelled
-- or deleted; the tenant's row is locked) stopped counting, judged at `at`: its credit leaves
-- paid_until; if the paid period was to start when it ends (rule 5's month), it starts at `at`
-- instead -- or at the freeze's start if that is earlier (a freeze that ran is charged from its
-- start, as after an early unfreeze).
CREATE FUNCTION freezegate._settle_released_freeze(released freezegate.freezes, at timestamptz)
    RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    SET TimeZone = 'UTC'
AS $$
#variable_conflict use_variable
DECLARE
    t freezegate.tenants;
    released_end timestamptz := coalesce(released.ended_at, released.ends_at);
    period_start timestamptz;
    base_end timestamptz;
BEGIN
    SELECT * INTO t FROM freezegate.tenants AS tn WHERE tn.key = released.tenant;
    IF NOT FOUND OR released.cancelled_at IS NOT NULL THEN
        RETURN;  -- the tenant went with it (ON DELETE CASCADE), or the freeze counted for nothing
    END IF;
    period_start := t.paid_from;
    -- _paid_base_end no longer sees the released freeze; paid_until still holds its credit.
    base_end := freezegate._paid_base_end(t.key, t.paid_from, t.paid_until);
    IF t.paid_from IS NULL OR released_end > t.paid_from THEN
        base_end := base_end - released.credited;
    END IF;
    IF period_start = released_end AND period_start > at THEN
        period_start := least(at, released.starts_at);
        base_end := base_end - (released_end - period_start);
    END IF;
    PERFORM freezegate._settle_paid_period(t.key, period_start, base_end);
END
$$;

CREATE OR REPLACE FUNCTION freezegate.cancel_freeze(freeze_id bigint, at timestamptz DEFAULT now())
    RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    SET TimeZone = 'UTC'
AS $$
#variable_conflict use_column
DECLARE
    previous_operation text := freezegate._begin_operation('cancel_freeze');
    target_id bigint := cancel_freeze.freeze_id;
    judged_at timestamptz := cancel_freeze.at;
    tenant_key text;
    t freezegate.tenants;
    target freezegate.freezes;
    period_start timestamptz;
    base_end timestamptz;
BEGIN
    PERFORM freezegate._require_instant(judged_at, 'at');
    SELECT f.tenant INTO tenant_key FROM freezegate.freezes AS f WHERE f.id = target_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'FG011',
            MESSAGE = format('unknown freeze %s', coalesce(target_id::text, 'NULL')),
            HINT = 'A tenant''s freezes and their ids: freezegate tenant status TENANT (SQL: SELECT * FROM freezegate.freezes WHERE tenant = ''...'';).';
    END IF;
    t := freezegate._lock_tenant(tenant_key);
    SELECT * INTO target FROM freezegate.freezes AS f WHERE f.id = target_id;
    IF target.cancelled_at IS NOT NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'FG012',
            MESSAGE = format('freeze %s of tenant %s was already cancelled at %s', target_id, tenant_key,
                freezegate._instant_text(target.cancelled_at));
    END IF;
    IF target.starts_at <= judged_at THEN
        RAISE EXCEPTION USING ERRCODE = 'FG012',
            MESSAGE = format('freeze %s of tenant %s has already started (at %s); only a freeze that has not started can be cancelled',
                target_id, tenant_key, freezegate._instant_text(target.starts_at)),
            HINT = format('End a running freeze with: freezegate tenant unfreeze %s (SQL: SELECT freezegate.unfreeze(%L);).', tenant_key, tenant_key);
    END IF;
    UPDATE freezegate.freezes AS f SET cancelled_at = judged_at, credited = interval '0' WHERE f.id = target_id;
    PERFORM freezegate._settle_released_freeze(target, judged_at);
    PERFORM freezegate._end_operation(previous_operation);
END
$$;

-- BEFORE UPDATE OF cancelled_at: a freeze cancelled by hand keeps nothing (credited = 0, in the
-- same row version, as cancel_freeze writes it).
CREATE FUNCTION freezegate.freezes_cancelled_keeps_nothing() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF NEW.cancelled_at IS NOT NULL AND OLD.cancelled_at IS NULL THEN
        NEW.credited := interval '0';
    END IF;
    RETURN NEW;
END
$$;

-- AFTER DELETE / UPDATE OF cancelled_at, for direct DML only: re-settles like cancel_freeze(now()).
CREATE FUNCTION freezegate.freezes_settle_after_dml() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF coalesce(current_setting('freezegate.operation', true), '') <> '' THEN
        RETURN NULL;  -- a function is running: it settles its own changes
    END IF;
    IF TG_OP = 'UPDATE' AND NOT (OLD.cancelled_at IS NULL AND NEW.cancelled_at IS NOT NULL) THEN
        RETURN NULL;  -- not a cancellation
    END IF;
    PERFORM 1 FROM freezegate.tenants AS t WHERE t.key = OLD.tenant FOR UPDATE;
    PERFORM freezegate._settle_released_freeze(OLD, now());
    RETURN NULL;
END
$$;

CREATE TRIGGER freezes_cancelled_keeps_nothing BEFORE UPDATE OF cancelled_at ON freezegate.freezes
    FOR EACH ROW EXECUTE FUNCTION freezegate.freezes_cancelled_keeps_nothing();
CREATE TRIGGER freezes_settle_after_delete AFTER DELETE ON freezegate.freezes
    FOR EACH ROW EXECUTE FUNCTION freezegate.freezes_settle_after_dml();
CREATE TRIGGER freezes_settle_after_cancel AFTER UPDATE OF cancelled_at ON freezegate.freezes
    FOR EACH ROW EXECUTE FUNCTION freezegate.freezes_settle_after_dml();

-- Payments and credits stop at the latest instant supported (see _require_instant above).
CREATE OR REPLACE FUNCTION freezegate._settle_paid_period(tenant_key text, paid_from timestamptz, base_end timestamptz)
    RETURNS timestamptz
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    SET TimeZone = 'UTC'
AS $$
#variable_conflict use_variable
DECLARE
    period_start timestamptz := paid_from;
    paid_end timestamptz := base_end;
    credit interval;
    f record;
BEGIN
    FOR f IN
        SELECT fz.id, fz.starts_at, fz.ended_at, coalesce(fz.ended_at, fz.ends_at) AS effective_end, fz.credited
        FROM freezegate.freezes AS fz
        WHERE fz.tenant = tenant_key AND fz.cancelled_at IS NULL
          AND (period_start IS NULL OR coalesce(fz.ended_at, fz.ends_at) > period_start)
        ORDER BY fz.starts_at
    LOOP
        IF freezegate._keeps_paid_time(f.starts_at, f.ended_at) AND f.starts_at < paid_end THEN
            credit := f.effective_end - greatest(f.starts_at, period_start);
        ELSE
            credit := interval '0';
        END IF;
        paid_end := paid_end + credit;
        IF credit <> f.credited THEN
            UPDATE freezegate.freezes AS fz SET credited = credit WHERE fz.id = f.id;
        END IF;
    END LOOP;
    IF paid_end >= timestamptz '10000-01-01 00:00:00Z' THEN
        RAISE EXCEPTION USING ERRCODE = 'FG014',
            MESSAGE = format('invalid argument: the paid period of tenant %s would end at %s, after the latest instant supported, 9999-12-31 23:59:59Z',
                tenant_key, paid_end AT TIME ZONE 'UTC');
    END IF;
    UPDATE freezegate.tenants AS t
    SET paid_from = period_start, paid_until = paid_end
    WHERE t.key = tenant_key
      AND (t.paid_from IS DISTINCT FROM period_start OR t.paid_until IS DISTINCT FROM paid_end);
    RETURN paid_end;
END
$$;

CREATE OR REPLACE FUNCTION freezegate.record_payment(tenant text, days integer, at timestamptz DEFAULT now())
    RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    SET TimeZone = 'UTC'
AS $$
#variable_conflict use_column
DECLARE
    previous_operation text := freezegate._begin_operation('record_payment');
    tenant_key text := record_payment.tenant;
    paid_days integer := record_payment.days;
    judged_at timestamptz := record_payment.at;
    t freezegate.tenants;
    running freezegate.freezes;
    period_start timestamptz;
    base_end timestamptz;
    payment_start timestamptz;
BEGIN
    PERFORM freezegate._require_instant(judged_at, 'at');
    t := freezegate._lock_tenant(tenant_key);
    IF paid_days IS NULL OR paid_days <= 0 THEN
        RAISE EXCEPTION USING ERRCODE = 'FG014',
            MESSAGE = format('invalid argument: days must be a positive number of days, got %s', coalesce(paid_days::text, 'NULL'));
    END IF;
    IF t.paid_until > judged_at THEN
        base_end := freezegate._paid_base_end(tenant_key, t.paid_from, t.paid_until);
    ELSE
        running := freezegate._running_freeze(tenant_key, judged_at);
        base_end := coalesce(coalesce(running.ended_at, running.ends_at), judged_at);
    END IF;
    -- The days must fit before the latest instant supported (checked before adding them).
    IF paid_days >= ceil(extract(epoch FROM timestamptz '10000-01-01 00:00:00Z' - base_end) / 86400) THEN
        RAISE EXCEPTION USING ERRCODE = 'FG014',
            MESSAGE = format('invalid argument: %s days paid from %s would end after the latest instant supported, 9999-12-31 23:59:59Z; at most %s days',
                paid_days, freezegate._instant_text(base_end),
                greatest(ceil(extract(epoch FROM timestamptz '10000-01-01 00:00:00Z' - base_end) / 86400) - 1, 0)::bigint);
    END IF;
    IF t.paid_until > judged_at THEN
        -- Paid time is left (running, or scheduled after a rule-5 freeze): the days are appended.
        period_start := t.paid_from;
        base_end := freezegate._paid_base_end(tenant_key, t.paid_from, t.paid_until) + paid_days * interval '1 day';
        payment_start := NULL;
    ELSE
        -- The paid period is over: a new one starts now, or when the freeze running now ends.
        running := freezegate._running_freeze(tenant_key, judged_at);
        period_start := coalesce(coalesce(running.ended_at, running.ends_at), judged_at);
        base_end := period_start + paid_days * interval '1 day';
        payment_start := period_start;
    END IF;
    INSERT INTO freezegate.payments (tenant, days, starts_at, kind, created_at)
    VALUES (tenant_key, paid_days, payment_start, 'payment', judged_at);
    PERFORM freezegate._settle_paid_period(tenant_key, period_start, base_end);
    PERFORM freezegate._end_operation(previous_operation);
END
$$;

-- ---------------------------------------------------------------------------------------------
-- Every rule's hint names the `freezegate tenant` command that helps, with the SQL as a second
-- option (the hints of request_freeze, unfreeze, cancel_freeze and _lock_tenant above too).
-- ---------------------------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION freezegate._check_rule_6(tenant_key text, starts_at timestamptz, ends_at timestamptz, at timestamptz)
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
                freezegate._instant_text(starts_at), freezegate._duration_text(at - starts_at),
                freezegate._instant_text(at)),
            HINT = format('Choose a start at or after %s: freezegate tenant freeze %s --from %s ... (SQL: starts_at => %L).',
                freezegate._instant_text(at), tenant_key, freezegate._instant_text(at), freezegate._instant_text(at));
    END IF;
    SELECT f.id, f.starts_at, coalesce(f.ended_at, f.ends_at) AS effective_end INTO other
    FROM freezegate.freezes AS f
    WHERE f.tenant = tenant_key AND f.cancelled_at IS NULL
      AND tstzrange(f.starts_at, coalesce(f.ended_at, f.ends_at)) && tstzrange(starts_at, ends_at)
    ORDER BY f.starts_at
    LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'FG006',
            MESSAGE = format('rule 6: freezes of one tenant never overlap; [%s, %s) overlaps freeze %s [%s, %s) of tenant %s',
                freezegate._instant_text(starts_at), freezegate._instant_text(ends_at), other.id,
                freezegate._instant_text(other.starts_at), freezegate._instant_text(other.effective_end), tenant_key),
            HINT = format('Cancel freeze %s with: freezegate tenant cancel %s (SQL: SELECT freezegate.cancel_freeze(%s);), or choose a window from %s on.',
                other.id, other.id, other.id, freezegate._instant_text(other.effective_end));
    END IF;
END
$$;

CREATE OR REPLACE FUNCTION freezegate._check_rule_3(tenant_key text, starts_at timestamptz, ends_at timestamptz)
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
        SELECT coalesce(sum(least(coalesce(f.ended_at, f.ends_at), year_end) - greatest(f.starts_at, year_start)), interval '0')
        INTO already
        FROM freezegate.freezes AS f
        WHERE f.tenant = tenant_key AND f.cancelled_at IS NULL
          AND f.starts_at < year_end AND coalesce(f.ended_at, f.ends_at) > year_start;
        IF already + requested > interval '90 days' THEN
            RAISE EXCEPTION USING ERRCODE = 'FG003',
                MESSAGE = format('rule 3: freezes may cover at most 90 days in calendar year %s; already %s, requested %s in that year, total %s',
                    to_char(year_start, 'YYYY'), freezegate._duration_text(already),
                    freezegate._duration_text(requested), freezegate._duration_text(already + requested)),
                HINT = format('At most %s more can be frozen in %s; the freezes: freezegate tenant status %s (SQL: SELECT * FROM freezegate.freezes WHERE tenant = %L AND cancelled_at IS NULL;).',
                    freezegate._duration_text(greatest(interval '90 days' - already, interval '0')), to_char(year_start, 'YYYY'),
                    tenant_key, tenant_key);
        END IF;
    END LOOP;
END
$$;
