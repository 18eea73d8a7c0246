-- The operations of CONTRACT.md section 7 and the freeze rules 1-6. See sql/README.md.
--
-- Conventions:
--  * every function takes a last "at timestamptz DEFAULT now()": the moment the operation is judged at;
--  * every function runs with TimeZone = UTC, so that "30 days" and calendar years are UTC days and
--    years, and names itself in the setting freezegate.operation for the audit trigger;
--  * every function that changes a tenant locks the tenant's row FOR UPDATE before it reads anything,
--    so that two concurrent requests for one tenant are judged one after the other;
--  * every rule violation raises its own SQLSTATE of class FG (table in sql/README.md); an error
--    aborts the statement, so a rejected call changes nothing.
--
-- The paid period of a tenant is [paid_from, paid_until) (paid_from NULL = since forever), and
-- paid_until is EFFECTIVE: it includes the paid time credited to the freezes. Internally we keep
--     paid_until = base_end + sum(credited of the non-cancelled freezes that end after paid_from)
-- and every operation changes (paid_from, base_end) and then re-settles the credits with
-- freezegate._settle_paid_period, walking the freezes in order of start.

-- "29 days 23:59:59", "30 days", "1 day": figures for error messages.
CREATE FUNCTION freezegate._duration_text(d interval) RETURNS text
    LANGUAGE sql IMMUTABLE
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT CASE WHEN s < 0 THEN '-' ELSE '' END
        || (abs(s) / 86400)::bigint::text
        || CASE WHEN abs(s) / 86400 = 1 THEN ' day' ELSE ' days' END
        || CASE WHEN abs(s) % 86400 = 0 THEN ''
                ELSE ' ' || to_char((abs(s) % 86400) * interval '1 second', 'HH24:MI:SS') END
    FROM (SELECT trunc(extract(epoch FROM d))::bigint AS s) AS seconds
$$;

-- "2027-07-01 00:00:00Z": instants for error messages, always in UTC.
CREATE FUNCTION freezegate._instant_text(t timestamptz) RETURNS text
    LANGUAGE sql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT coalesce(to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') || 'Z', 'NULL')
$$;

-- Raises FG014 unless the instant is given and finite.
CREATE FUNCTION freezegate._require_instant(value timestamptz, name text) RETURNS void
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF value IS NULL OR NOT isfinite(value) THEN
        RAISE EXCEPTION USING ERRCODE = 'FG014',
            MESSAGE = format('invalid argument: %s must be a finite timestamptz, got %s', name, coalesce(value::text, 'NULL'));
    END IF;
END
$$;

-- Locks the tenant's row (FOR UPDATE) and returns it; FG010 when there is no such tenant.
CREATE FUNCTION freezegate._lock_tenant(key text) RETURNS freezegate.tenants
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
            HINT = 'Tenant keys are lower-case DNS labels; list them with: SELECT key FROM freezegate.tenants;';
    END IF;
    RETURN locked;
END
$$;

-- The freeze running at the instant (starts_at <= at < effective end), if any.
CREATE FUNCTION freezegate._running_freeze(tenant_key text, at timestamptz) RETURNS freezegate.freezes
    LANGUAGE sql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT f.* FROM freezegate.freezes AS f
    WHERE f.tenant = tenant_key AND f.cancelled_at IS NULL
      AND f.starts_at <= _running_freeze.at AND _running_freeze.at < coalesce(f.ended_at, f.ends_at)
    ORDER BY f.starts_at
    LIMIT 1
$$;

-- Whether a freeze keeps the paid time it covers: one ended by unfreeze() before 30 days keeps nothing.
CREATE FUNCTION freezegate._keeps_paid_time(starts_at timestamptz, ended_at timestamptz) RETURNS boolean
    LANGUAGE sql IMMUTABLE
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT ended_at IS NULL OR ended_at - starts_at >= interval '30 days'
$$;

-- base_end of the tenant's current paid period: paid_until without the credits of the freezes
-- that belong to it (non-cancelled, ending after paid_from).
CREATE FUNCTION freezegate._paid_base_end(tenant_key text, paid_from timestamptz, paid_until timestamptz)
    RETURNS timestamptz
    LANGUAGE sql STABLE
    SET search_path = pg_catalog, pg_temp
    SET TimeZone = 'UTC'
AS $$
    SELECT paid_until - coalesce(sum(f.credited), interval '0')
    FROM freezegate.freezes AS f
    WHERE f.tenant = tenant_key AND f.cancelled_at IS NULL
      AND (_paid_base_end.paid_from IS NULL OR coalesce(f.ended_at, f.ends_at) > _paid_base_end.paid_from)
$$;

-- Re-settles the paid time: walks the tenant's non-cancelled freezes that end after paid_from, in
-- order of start, starting with paid_end = base_end. A freeze that keeps paid time and starts
-- before paid_end is credited with its whole effective window from greatest(starts_at, paid_from)
-- on (the paid time it covers resumes when it ends), and paid_end moves later by that credit.
-- Writes the changed credits and the tenant's paid_from/paid_until; returns the new paid_until.
CREATE FUNCTION freezegate._settle_paid_period(tenant_key text, paid_from timestamptz, base_end timestamptz)
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
    UPDATE freezegate.tenants AS t
    SET paid_from = period_start, paid_until = paid_end
    WHERE t.key = tenant_key
      AND (t.paid_from IS DISTINCT FROM period_start OR t.paid_until IS DISTINCT FROM paid_end);
    RETURN paid_end;
END
$$;

-- Rule 6: no start in the past (FG007), no overlap with a non-cancelled freeze (FG006).
CREATE FUNCTION freezegate._check_rule_6(tenant_key text, starts_at timestamptz, ends_at timestamptz, at timestamptz)
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
            HINT = 'Choose a start at or after the moment of the request.';
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
            HINT = 'Cancel the other freeze (freezegate.cancel_freeze) or choose a window after it.';
    END IF;
END
$$;

-- Rule 3: in every UTC calendar year the new window touches, the non-cancelled freezes of the tenant
-- (effective windows) plus the new one cover at most 90 days (FG003).
CREATE FUNCTION freezegate._check_rule_3(tenant_key text, starts_at timestamptz, ends_at timestamptz)
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
                HINT = format('At most %s more can be frozen in %s.',
                    freezegate._duration_text(greatest(interval '90 days' - already, interval '0')), to_char(year_start, 'YYYY'));
        END IF;
    END LOOP;
END
$$;

-- Names the running function for the audit trigger (transaction-local setting freezegate.operation)
-- and returns the previous name, which the function puts back before it returns, so that later
-- DML in the same transaction is audited as INSERT/UPDATE/DELETE again. (A function-level
-- "SET freezegate.operation = ..." clause would be neater, but PostgreSQL 15 lets only superusers
-- create functions that set placeholder parameters.) On error the setting is rolled back with
-- the (sub)transaction.
CREATE FUNCTION freezegate._begin_operation(name text) RETURNS text
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    previous text := coalesce(current_setting('freezegate.operation', true), '');
BEGIN
    PERFORM set_config('freezegate.operation', name, true);
    RETURN previous;
END
$$;

CREATE FUNCTION freezegate._end_operation(previous text) RETURNS void
    LANGUAGE sql VOLATILE
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT set_config('freezegate.operation', coalesce(previous, ''), true);
$$;

-- ---------------------------------------------------------------------------------------------
-- The public functions (CONTRACT.md section 7).
-- ---------------------------------------------------------------------------------------------

CREATE FUNCTION freezegate.create_tenant(tenant text, owner_email text, paid_until timestamptz,
                                         at timestamptz DEFAULT now())
    RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    SET TimeZone = 'UTC'
AS $$
#variable_conflict use_column
DECLARE
    previous_operation text := freezegate._begin_operation('create_tenant');
    new_key text := create_tenant.tenant;
    new_email text := create_tenant.owner_email;
    new_paid_until timestamptz := create_tenant.paid_until;
    judged_at timestamptz := create_tenant.at;
BEGIN
    PERFORM freezegate._require_instant(judged_at, 'at');
    IF new_key IS NULL OR new_key !~ '^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$' THEN
        RAISE EXCEPTION USING ERRCODE = 'FG014',
            MESSAGE = format('invalid argument: tenant key %s is not a DNS label', coalesce(quote_literal(new_key), 'NULL')),
            HINT = 'A tenant key is 1-63 lower-case letters, digits and "-", not starting or ending with "-".';
    END IF;
    IF new_email IS NULL OR length(new_email) > 254
       OR new_email !~ '^[^@[:space:]]+@[^@[:space:].]+(\.[^@[:space:].]+)+$' THEN
        RAISE EXCEPTION USING ERRCODE = 'FG014',
            MESSAGE = format('invalid argument: owner_email %s is not an e-mail address', coalesce(quote_literal(new_email), 'NULL'));
    END IF;
    PERFORM freezegate._require_instant(new_paid_until, 'paid_until');
    INSERT INTO freezegate.tenants (key, owner_email, paid_from, paid_until, created_at)
    VALUES (new_key, new_email, NULL, new_paid_until, judged_at)
    ON CONFLICT (key) DO NOTHING;
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'FG015',
            MESSAGE = format('tenant %s already exists', quote_literal(new_key));
    END IF;
    PERFORM freezegate._end_operation(previous_operation);
END
$$;

CREATE FUNCTION freezegate.add_domain(tenant text, domain text, at timestamptz DEFAULT now())
    RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    SET TimeZone = 'UTC'
AS $$
#variable_conflict use_column
DECLARE
    previous_operation text := freezegate._begin_operation('add_domain');
    tenant_key text := add_domain.tenant;
    host text := lower(btrim(add_domain.domain));
    judged_at timestamptz := add_domain.at;
    owner_key text;
BEGIN
    PERFORM freezegate._require_instant(judged_at, 'at');
    PERFORM freezegate._lock_tenant(tenant_key);
    IF right(host, 1) = '.' THEN
        host := left(host, -1);
    END IF;
    IF host IS NULL OR length(host) > 253
       OR host !~ '^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$'
       OR host !~ '[a-z][a-z0-9-]*$' THEN
        RAISE EXCEPTION USING ERRCODE = 'FG014',
            MESSAGE = format('invalid argument: domain %s is not a host name', coalesce(quote_literal(add_domain.domain), 'NULL')),
            HINT = 'A domain is two or more DNS labels separated by dots, e.g. crm.example.com; the last one is not all digits.';
    END IF;
    INSERT INTO freezegate.domains (domain, tenant, created_at)
    VALUES (host, tenant_key, judged_at)
    ON CONFLICT (domain) DO NOTHING;
    IF NOT FOUND THEN
        SELECT d.tenant INTO owner_key FROM freezegate.domains AS d WHERE d.domain = host;
        RAISE EXCEPTION USING ERRCODE = 'FG015',
            MESSAGE = format('domain %s is already registered to tenant %s', quote_literal(host), quote_literal(owner_key));
    END IF;
    PERFORM freezegate._end_operation(previous_operation);
END
$$;

CREATE FUNCTION freezegate.record_payment(tenant text, days integer, at timestamptz DEFAULT now())
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

CREATE FUNCTION freezegate.request_freeze(tenant text, starts_at timestamptz, ends_at timestamptz,
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
    t := freezegate._lock_tenant(tenant_key);

    -- Rule 1: requested from the main administrator's e-mail.
    IF lower(requester) <> lower(t.owner_email) THEN
        RAISE EXCEPTION USING ERRCODE = 'FG001',
            MESSAGE = format('rule 1: a freeze must be requested from the main administrator''s e-mail; %s is not the owner e-mail of tenant %s',
                quote_literal(requester), tenant_key),
            HINT = 'Compare with: SELECT owner_email FROM freezegate.tenants WHERE key = ''' || tenant_key || ''';';
    END IF;

    -- Rule 2: at least 30 days.
    IF freeze_end - freeze_start < interval '30 days' THEN
        RAISE EXCEPTION USING ERRCODE = 'FG002',
            MESSAGE = format('rule 2: a freeze must last at least 30 days; requested %s',
                freezegate._duration_text(freeze_end - freeze_start)),
            HINT = format('The earliest end for this start is %s.', freezegate._instant_text(freeze_start + interval '30 days'));
    END IF;

    -- Rule 6: not in the past, no overlap.
    PERFORM freezegate._check_rule_6(tenant_key, freeze_start, freeze_end, judged_at);

    -- Rule 3: at most 90 days per calendar year.
    PERFORM freezegate._check_rule_3(tenant_key, freeze_start, freeze_end);

    -- Rules 4 and 5: the subscription.
    active := t.paid_until > judged_at;
    IF active THEN
        paid_left := t.paid_until - judged_at;
        IF paid_left < interval '30 days' AND freeze_start < t.paid_until THEN
            RAISE EXCEPTION USING ERRCODE = 'FG004',
                MESSAGE = format('rule 4: with %s of paid time left (fewer than 30 days) a freeze cannot start before the subscription ends at %s; requested start %s',
                    freezegate._duration_text(paid_left), freezegate._instant_text(t.paid_until),
                    freezegate._instant_text(freeze_start)),
                HINT = format('Start the freeze at or after %s, or record a payment first.', freezegate._instant_text(t.paid_until));
        END IF;
    ELSIF NOT with_month THEN
        RAISE EXCEPTION USING ERRCODE = 'FG005',
            MESSAGE = format('rule 5: tenant %s has no active subscription (paid until %s); a freeze is accepted only together with the payment of one month',
                tenant_key, freezegate._instant_text(t.paid_until)),
            HINT = 'Call request_freeze(..., pay_one_month => true): the month starts running when the freeze ends.';
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

CREATE FUNCTION freezegate.unfreeze(tenant text, at timestamptz DEFAULT now())
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
            HINT = 'A freeze that has not started yet is removed with freezegate.cancel_freeze(freeze_id).';
    END IF;
    planned_end := coalesce(running.ended_at, running.ends_at);
    period_start := t.paid_from;
    base_end := freezegate._paid_base_end(tenant_key, t.paid_from, t.paid_until);
    IF period_start = planned_end THEN
        -- The paid period was to start when this freeze ends (rule 5's month): it starts now.
        period_start := judged_at;
        base_end := base_end - (planned_end - judged_at);
    END IF;
    UPDATE freezegate.freezes AS f SET ended_at = judged_at WHERE f.id = running.id;
    PERFORM freezegate._settle_paid_period(tenant_key, period_start, base_end);
    PERFORM freezegate._end_operation(previous_operation);
END
$$;

CREATE FUNCTION freezegate.cancel_freeze(freeze_id bigint, at timestamptz DEFAULT now())
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
            HINT = 'List the freezes with: SELECT * FROM freezegate.freezes WHERE tenant = ''...'';';
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
            HINT = 'End a running freeze with freezegate.unfreeze(tenant).';
    END IF;
    period_start := t.paid_from;
    base_end := freezegate._paid_base_end(tenant_key, t.paid_from, t.paid_until);
    IF period_start = target.ends_at THEN
        -- The paid period was to start when this freeze ends (rule 5's month): it starts now.
        period_start := judged_at;
        base_end := base_end - (target.ends_at - judged_at);
    END IF;
    UPDATE freezegate.freezes AS f SET cancelled_at = judged_at, credited = interval '0' WHERE f.id = target_id;
    PERFORM freezegate._settle_paid_period(tenant_key, period_start, base_end);
    PERFORM freezegate._end_operation(previous_operation);
END
$$;

CREATE FUNCTION freezegate.force_freeze(tenant text, starts_at timestamptz, ends_at timestamptz, reason text,
                                        at timestamptz DEFAULT now())
    RETURNS bigint
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    SET TimeZone = 'UTC'
AS $$
#variable_conflict use_column
DECLARE
    previous_operation text := freezegate._begin_operation('force_freeze');
    tenant_key text := force_freeze.tenant;
    freeze_start timestamptz := force_freeze.starts_at;
    freeze_end timestamptz := force_freeze.ends_at;
    why text := force_freeze.reason;
    judged_at timestamptz := force_freeze.at;
    t freezegate.tenants;
    new_id bigint;
BEGIN
    PERFORM freezegate._require_instant(judged_at, 'at');
    PERFORM freezegate._require_instant(freeze_start, 'starts_at');
    PERFORM freezegate._require_instant(freeze_end, 'ends_at');
    IF why IS NULL OR btrim(why) = '' THEN
        RAISE EXCEPTION USING ERRCODE = 'FG014',
            MESSAGE = 'invalid argument: force_freeze requires a reason',
            HINT = 'Say why support overrides the rules, e.g. ''ticket 4711: school closed by flood''.';
    END IF;
    IF freeze_end <= freeze_start THEN
        RAISE EXCEPTION USING ERRCODE = 'FG014',
            MESSAGE = format('invalid argument: ends_at %s is not after starts_at %s',
                freezegate._instant_text(freeze_end), freezegate._instant_text(freeze_start));
    END IF;
    t := freezegate._lock_tenant(tenant_key);
    PERFORM freezegate._check_rule_6(tenant_key, freeze_start, freeze_end, judged_at);
    INSERT INTO freezegate.freezes (tenant, starts_at, ends_at, requested_by, kind, reason, created_at)
    VALUES (tenant_key, freeze_start, freeze_end, session_user, 'forced', why, judged_at)
    RETURNING id INTO new_id;
    PERFORM freezegate._settle_paid_period(tenant_key, t.paid_from,
        freezegate._paid_base_end(tenant_key, t.paid_from, t.paid_until));
    PERFORM freezegate._end_operation(previous_operation);
    RETURN new_id;
END
$$;
