-- Ending, cancelling and forcing freezes, and what happens to paid time when a freeze stops
-- counting (cancel_freeze, or a freeze deleted or cancelled by direct DML).

-- unfreeze(tenant): ends the freeze running at `at`. Early unfreeze: "if an unfreeze is needed
-- earlier than one month, the period is paid from the start of the freeze". A freeze ended before
-- 30 days keeps no paid time; and when the paid period was to start at its end (rule 5's month),
-- that period starts at the freeze's start, not at the unfreeze: the frozen days are charged as
-- if there had been no freeze.
CREATE OR REPLACE FUNCTION freezegate.unfreeze(tenant text, at timestamptz DEFAULT now())
    RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    SET TimeZone = 'UTC'
AS $$
#variable_conflict use_column
DECLARE
    previous_operation text := freezegate_private.begin_operation('unfreeze');
    tenant_key text := unfreeze.tenant;
    judged_at timestamptz := unfreeze.at;
    t freezegate.tenants;
    running freezegate.freezes;
    planned_end timestamptz;
    period_start timestamptz;
    base_end timestamptz;
BEGIN
    PERFORM freezegate_private.require_instant(judged_at, 'at');
    t := freezegate_private.lock_tenant(tenant_key);
    running := freezegate_private.running_freeze(tenant_key, judged_at);
    IF running.id IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'FG013',
            MESSAGE = format('tenant %s has no freeze running at %s', tenant_key, freezegate_private.instant_text(judged_at)),
            HINT = format('A freeze that has not started is cancelled with: freezegate tenant cancel FREEZE-ID, ids from: freezegate tenant status %s (SQL: SELECT freezegate.cancel_freeze(id);).',
                tenant_key);
    END IF;
    planned_end := freezegate.effective_end(running);
    period_start := t.paid_from;
    base_end := freezegate_private.paid_base_end(tenant_key, t.paid_from, t.paid_until);
    IF period_start = planned_end THEN
        -- The paid period was to start when this freeze ends (rule 5's month). Ended before 30
        -- days, the freeze is charged from its start: the period starts there. Ended later, the
        -- freeze keeps the days it ran and the period starts now.
        IF freezegate_private.keeps_paid_time(running.starts_at, judged_at) THEN
            period_start := judged_at;
        ELSE
            period_start := running.starts_at;
        END IF;
        base_end := base_end - (planned_end - period_start);
    END IF;
    UPDATE freezegate.freezes AS f SET ended_at = judged_at WHERE f.id = running.id;
    PERFORM freezegate_private.settle_paid_period(tenant_key, period_start, base_end);
    PERFORM freezegate_private.end_operation(previous_operation);
END
$$;

-- cancel_freeze(freeze_id): cancels a freeze that has not started; it no longer counts anywhere.
CREATE OR REPLACE FUNCTION freezegate.cancel_freeze(freeze_id bigint, at timestamptz DEFAULT now())
    RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    SET TimeZone = 'UTC'
AS $$
#variable_conflict use_column
DECLARE
    previous_operation text := freezegate_private.begin_operation('cancel_freeze');
    target_id bigint := cancel_freeze.freeze_id;
    judged_at timestamptz := cancel_freeze.at;
    tenant_key text;
    t freezegate.tenants;
    target freezegate.freezes;
    period_start timestamptz;
    base_end timestamptz;
BEGIN
    PERFORM freezegate_private.require_instant(judged_at, 'at');
    SELECT f.tenant INTO tenant_key FROM freezegate.freezes AS f WHERE f.id = target_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'FG011',
            MESSAGE = format('unknown freeze %s', coalesce(target_id::text, 'NULL')),
            HINT = 'A tenant''s freezes and their ids: freezegate tenant status TENANT (SQL: SELECT * FROM freezegate.freezes WHERE tenant = ''...'';).';
    END IF;
    t := freezegate_private.lock_tenant(tenant_key);
    SELECT * INTO target FROM freezegate.freezes AS f WHERE f.id = target_id;
    IF target.cancelled_at IS NOT NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'FG012',
            MESSAGE = format('freeze %s of tenant %s was already cancelled at %s', target_id, tenant_key,
                freezegate_private.instant_text(target.cancelled_at));
    END IF;
    IF target.starts_at <= judged_at THEN
        RAISE EXCEPTION USING ERRCODE = 'FG012',
            MESSAGE = format('freeze %s of tenant %s has already started (at %s); only a freeze that has not started can be cancelled',
                target_id, tenant_key, freezegate_private.instant_text(target.starts_at)),
            HINT = format('End a running freeze with: freezegate tenant unfreeze %s (SQL: SELECT freezegate.unfreeze(%L);).', tenant_key, tenant_key);
    END IF;
    UPDATE freezegate.freezes AS f SET cancelled_at = judged_at, credited = interval '0' WHERE f.id = target_id;
    PERFORM freezegate_private.settle_released_freeze(target, judged_at);
    PERFORM freezegate_private.end_operation(previous_operation);
END
$$;

-- force_freeze(tenant, starts_at, ends_at, reason): the support override; skips rules 1-5, never
-- rule 6.
CREATE OR REPLACE FUNCTION freezegate.force_freeze(tenant text, starts_at timestamptz, ends_at timestamptz, reason text,
                                        at timestamptz DEFAULT now())
    RETURNS bigint
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    SET TimeZone = 'UTC'
AS $$
#variable_conflict use_column
DECLARE
    previous_operation text := freezegate_private.begin_operation('force_freeze');
    tenant_key text := force_freeze.tenant;
    freeze_start timestamptz := force_freeze.starts_at;
    freeze_end timestamptz := force_freeze.ends_at;
    why text := force_freeze.reason;
    judged_at timestamptz := force_freeze.at;
    t freezegate.tenants;
    new_id bigint;
BEGIN
    PERFORM freezegate_private.require_instant(judged_at, 'at');
    PERFORM freezegate_private.require_instant(freeze_start, 'starts_at');
    PERFORM freezegate_private.require_instant(freeze_end, 'ends_at');
    IF why IS NULL OR btrim(why) = '' THEN
        RAISE EXCEPTION USING ERRCODE = 'FG014',
            MESSAGE = 'invalid argument: force_freeze requires a reason',
            HINT = 'Say why support overrides the rules, e.g. ''ticket 4711: school closed by flood''.';
    END IF;
    IF freeze_end <= freeze_start THEN
        RAISE EXCEPTION USING ERRCODE = 'FG014',
            MESSAGE = format('invalid argument: ends_at %s is not after starts_at %s',
                freezegate_private.instant_text(freeze_end), freezegate_private.instant_text(freeze_start));
    END IF;
    t := freezegate_private.lock_tenant(tenant_key);
    PERFORM freezegate_private.check_rule_6(tenant_key, freeze_start, freeze_end, judged_at);
    INSERT INTO freezegate.freezes (tenant, starts_at, ends_at, requested_by, kind, reason, created_at)
    VALUES (tenant_key, freeze_start, freeze_end, session_user, 'forced', why, judged_at)
    RETURNING id INTO new_id;
    PERFORM freezegate_private.settle_paid_period(tenant_key, t.paid_from,
        freezegate_private.paid_base_end(tenant_key, t.paid_from, t.paid_until));
    PERFORM freezegate_private.end_operation(previous_operation);
    RETURN new_id;
END
$$;

-- The freeze running at the instant (starts_at <= at < effective end), if any.
CREATE OR REPLACE FUNCTION freezegate_private.running_freeze(tenant_key text, at timestamptz) RETURNS freezegate.freezes
    LANGUAGE sql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT f.* FROM freezegate.freezes AS f
    WHERE f.tenant = tenant_key AND f.cancelled_at IS NULL
      AND f.starts_at <= running_freeze.at AND running_freeze.at < freezegate.effective_end(f)
    ORDER BY f.starts_at
    LIMIT 1
$$;

-- Re-settles the tenant's paid period after `released` (the freeze's row before it was cancelled
-- or deleted; the tenant's row is locked) stopped counting, judged at `at`: its credit leaves
-- paid_until; if the paid period was to start when it ends (rule 5's month), it starts at `at`
-- instead -- or at the freeze's start if that is earlier (a freeze that ran is charged from its
-- start, as after an early unfreeze). Used by cancel_freeze and by the triggers below.
CREATE OR REPLACE FUNCTION freezegate_private.settle_released_freeze(released freezegate.freezes, at timestamptz)
    RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    SET TimeZone = 'UTC'
AS $$
#variable_conflict use_variable
DECLARE
    t freezegate.tenants;
    released_end timestamptz := freezegate.effective_end(released);
    period_start timestamptz;
    base_end timestamptz;
BEGIN
    SELECT * INTO t FROM freezegate.tenants AS tn WHERE tn.key = released.tenant;
    IF NOT FOUND OR released.cancelled_at IS NOT NULL THEN
        RETURN;  -- the tenant went with it (ON DELETE CASCADE), or the freeze counted for nothing
    END IF;
    period_start := t.paid_from;
    -- paid_base_end no longer sees the released freeze; paid_until still holds its credit.
    base_end := freezegate_private.paid_base_end(t.key, t.paid_from, t.paid_until);
    IF t.paid_from IS NULL OR released_end > t.paid_from THEN
        base_end := base_end - released.credited;
    END IF;
    IF period_start = released_end AND period_start > at THEN
        period_start := least(at, released.starts_at);
        base_end := base_end - (released_end - period_start);
    END IF;
    PERFORM freezegate_private.settle_paid_period(t.key, period_start, base_end);
END
$$;

-- Direct DML on freezes keeps paid time consistent: deleting a freeze or setting its cancelled_at
-- by hand gives back its credit and re-settles the paid period exactly as cancel_freeze does. The
-- functions settle their own changes: while one runs (freezegate.operation set) the triggers do
-- nothing, and they fire only for cancelled_at and DELETE, never for the credit updates of
-- settle_paid_period.
--
-- BEFORE UPDATE OF cancelled_at: a freeze cancelled by hand keeps nothing (credited = 0, in the
-- same row version, as cancel_freeze writes it).
CREATE OR REPLACE FUNCTION freezegate_private.freezes_cancelled_keeps_nothing() RETURNS trigger
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
CREATE OR REPLACE FUNCTION freezegate_private.freezes_settle_after_dml() RETURNS trigger
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
    PERFORM freezegate_private.settle_released_freeze(OLD, now());
    RETURN NULL;
END
$$;
