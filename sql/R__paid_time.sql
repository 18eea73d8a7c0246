-- Paid time. The paid period of a tenant is [paid_from, paid_until) (paid_from NULL = since
-- forever), and paid_until is EFFECTIVE: it includes the paid time credited to the freezes.
-- Internally
--     paid_until = base_end + sum(credited of the non-cancelled freezes that end after paid_from)
-- and every operation changes (paid_from, base_end) and then re-settles the credits with
-- settle_paid_period, walking the freezes in order of start.

-- record_payment(tenant, days): appends the days to a paid period that has time left, else starts
-- a new one now (or when the freeze running now ends).
CREATE OR REPLACE FUNCTION freezegate.record_payment(tenant text, days integer, at timestamptz DEFAULT now())
    RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    SET TimeZone = 'UTC'
AS $$
#variable_conflict use_column
DECLARE
    previous_operation text := freezegate_private.begin_operation('record_payment');
    tenant_key text := record_payment.tenant;
    paid_days integer := record_payment.days;
    judged_at timestamptz := record_payment.at;
    t freezegate.tenants;
    running freezegate.freezes;
    period_start timestamptz;
    base_end timestamptz;
    payment_start timestamptz;
BEGIN
    PERFORM freezegate_private.require_instant(judged_at, 'at');
    t := freezegate_private.lock_tenant(tenant_key);
    IF paid_days IS NULL OR paid_days <= 0 THEN
        RAISE EXCEPTION USING ERRCODE = 'FG014',
            MESSAGE = format('invalid argument: days must be a positive number of days, got %s', coalesce(paid_days::text, 'NULL'));
    END IF;
    IF t.paid_until > judged_at THEN
        base_end := freezegate_private.paid_base_end(tenant_key, t.paid_from, t.paid_until);
    ELSE
        running := freezegate_private.running_freeze(tenant_key, judged_at);
        base_end := coalesce(freezegate.effective_end(running), judged_at);
    END IF;
    -- The days must fit before the latest instant supported (checked before adding them).
    IF paid_days >= ceil(extract(epoch FROM timestamptz '10000-01-01 00:00:00Z' - base_end) / 86400) THEN
        RAISE EXCEPTION USING ERRCODE = 'FG014',
            MESSAGE = format('invalid argument: %s days paid from %s would end after the latest instant supported, 9999-12-31 23:59:59Z; at most %s days',
                paid_days, freezegate_private.instant_text(base_end),
                greatest(ceil(extract(epoch FROM timestamptz '10000-01-01 00:00:00Z' - base_end) / 86400) - 1, 0)::bigint);
    END IF;
    IF t.paid_until > judged_at THEN
        -- Paid time is left (running, or scheduled after a rule-5 freeze): the days are appended.
        period_start := t.paid_from;
        base_end := freezegate_private.paid_base_end(tenant_key, t.paid_from, t.paid_until) + paid_days * interval '1 day';
        payment_start := NULL;
    ELSE
        -- The paid period is over: a new one starts now, or when the freeze running now ends.
        running := freezegate_private.running_freeze(tenant_key, judged_at);
        period_start := coalesce(freezegate.effective_end(running), judged_at);
        base_end := period_start + paid_days * interval '1 day';
        payment_start := period_start;
    END IF;
    INSERT INTO freezegate.payments (tenant, days, starts_at, kind, created_at)
    VALUES (tenant_key, paid_days, payment_start, 'payment', judged_at);
    PERFORM freezegate_private.settle_paid_period(tenant_key, period_start, base_end);
    PERFORM freezegate_private.end_operation(previous_operation);
END
$$;

-- Whether a freeze keeps the paid time it covers: one ended by unfreeze() before 30 days keeps nothing.
CREATE OR REPLACE FUNCTION freezegate_private.keeps_paid_time(starts_at timestamptz, ended_at timestamptz) RETURNS boolean
    LANGUAGE sql IMMUTABLE
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT ended_at IS NULL OR ended_at - starts_at >= interval '30 days'
$$;

-- base_end of the tenant's current paid period: paid_until without the credits of the freezes
-- that belong to it (non-cancelled, ending after paid_from).
CREATE OR REPLACE FUNCTION freezegate_private.paid_base_end(tenant_key text, paid_from timestamptz, paid_until timestamptz)
    RETURNS timestamptz
    LANGUAGE sql STABLE
    SET search_path = pg_catalog, pg_temp
    SET TimeZone = 'UTC'
AS $$
    SELECT paid_until - coalesce(sum(f.credited), interval '0')
    FROM freezegate.freezes AS f
    WHERE f.tenant = tenant_key AND f.cancelled_at IS NULL
      AND (paid_base_end.paid_from IS NULL OR freezegate.effective_end(f) > paid_base_end.paid_from)
$$;

-- Sets the tenant's paid period to [period_start, base_end + the credits of its freezes): walks the
-- freezes that belong to the period in order of start and credits each with the paid time it
-- covers (none for an early unfreeze). Payments and credits stop at the latest instant supported
-- (see require_instant).
CREATE OR REPLACE FUNCTION freezegate_private.settle_paid_period(tenant_key text, paid_from timestamptz, base_end timestamptz)
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
        SELECT fz.id, fz.starts_at, fz.ended_at, freezegate.effective_end(fz) AS effective_end, fz.credited
        FROM freezegate.freezes AS fz
        WHERE fz.tenant = tenant_key AND fz.cancelled_at IS NULL
          AND (period_start IS NULL OR freezegate.effective_end(fz) > period_start)
        ORDER BY fz.starts_at
    LOOP
        IF freezegate_private.keeps_paid_time(f.starts_at, f.ended_at) AND f.starts_at < paid_end THEN
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
