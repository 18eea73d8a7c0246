-- The freeze rules held to the letter of the original rules and CONTRACT.md section 7: the early
-- unfreeze of a paid-month freeze, rule 4's paid days left, every isolation level, the status
-- function's argument, a locale-independent rule 1, direct DML on freezes, named errors for bad
-- arguments, and hints naming the `freezegate tenant` commands. Replaces functions of 0004 and
-- 0005; see sql/README.md for the model.

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
            HINT = 'A freeze that has not started yet is removed with freezegate.cancel_freeze(freeze_id).';
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

