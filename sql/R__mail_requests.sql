-- Freeze requests received by e-mail: recording and judging them, and their counts for the
-- gateway's metrics.

-- The instants of the days first_day..last_day (inclusive) in zone: from the first day's midnight
-- to the midnight after the last day. A first day that is today there starts at `at`: today's
-- midnight has passed, and rule 6 would refuse a start in the past, which is not what the writer
-- asked for. NULLs when a day is missing.
CREATE OR REPLACE FUNCTION freezegate_private.mail_period(first_day date, last_day date, zone text, at timestamptz,
                                        OUT starts_at timestamptz, OUT ends_at timestamptz)
    LANGUAGE sql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT CASE WHEN first_day IS NULL OR last_day IS NULL THEN NULL
                WHEN (at AT TIME ZONE zone)::date = first_day THEN greatest(at, first_day::timestamp AT TIME ZONE zone)
                ELSE first_day::timestamp AT TIME ZONE zone END,
           CASE WHEN first_day IS NULL OR last_day IS NULL THEN NULL
                ELSE (last_day + 1)::timestamp AT TIME ZONE zone END
$$;

-- record_mail_request: records a freeze request received by e-mail (once per Message-ID) and judges
-- it with request_freeze in the same transaction, with the days the writer named read in the
-- tenant's time zone (see sql/README.md, "Freeze requests by e-mail").
CREATE OR REPLACE FUNCTION freezegate.record_mail_request(
    message_id text, sender text, authenticated boolean, identifiers text[],
    first_day date, last_day date, reading jsonb, may_reply boolean, handled_by text,
    default_time_zone text DEFAULT 'Europe/Moscow', at timestamptz DEFAULT now())
    RETURNS TABLE (request_id bigint, replayed boolean, outcome text, tenant text, freeze_id bigint,
                   sqlstate text, error_message text, error_hint text, reply_due boolean,
                   freeze_first_day date, freeze_last_day date, paid_days_kept integer, paid_until date,
                   time_zone text)
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    SET TimeZone = 'UTC'
AS $$
#variable_conflict use_variable
DECLARE
    previous_operation text := freezegate_private.begin_operation('record_mail_request');
    the_message_id text := record_mail_request.message_id;
    the_sender text := coalesce(record_mail_request.sender, '');
    wanted text[] := ARRAY(SELECT lower(rtrim(btrim(x), '.')) FROM unnest(coalesce(record_mail_request.identifiers, '{}')) AS x);
    wanted_first date := record_mail_request.first_day;
    wanted_last date := record_mail_request.last_day;
    wanted_start timestamptz;
    wanted_end timestamptz;
    zone text := nullif(btrim(record_mail_request.default_time_zone), '');
    judged_at timestamptz := record_mail_request.at;
    new_id bigint;
    row_found freezegate.freeze_requests;
    named text[];
    owned text[];
    tenant_key text;
    result_outcome text;
    result_freeze bigint;
    err_state text;
    err_message text;
    err_hint text;
    due boolean := false;
BEGIN
    PERFORM freezegate_private.require_instant(judged_at, 'at');
    IF the_message_id IS NULL OR btrim(the_message_id) = '' THEN
        RAISE EXCEPTION USING ERRCODE = 'FG014', MESSAGE = 'invalid argument: message_id must be given';
    END IF;
    IF zone IS NULL OR NOT freezegate_private.is_time_zone(zone) THEN
        RAISE EXCEPTION USING ERRCODE = 'FG014',
            MESSAGE = format('invalid argument: default_time_zone %s is not a known IANA time zone',
                             coalesce(quote_literal(zone), 'NULL')),
            HINT = 'Pass the gateway profile''s time_zone, such as Europe/Moscow.';
    END IF;
    IF wanted_first IS NOT NULL AND wanted_last IS NOT NULL AND wanted_last < wanted_first THEN
        RAISE EXCEPTION USING ERRCODE = 'FG014',
            MESSAGE = format('invalid argument: last_day %s is before first_day %s', wanted_last, wanted_first);
    END IF;
    -- Recorded first in the default zone; moved to the tenant's zone once the tenant is known.
    SELECT p.starts_at, p.ends_at INTO wanted_start, wanted_end
    FROM freezegate_private.mail_period(wanted_first, wanted_last, zone, judged_at) AS p;

    INSERT INTO freezegate.freeze_requests AS r (message_id, sender, received_at, identifiers, starts_at, ends_at,
                                                 reading, outcome, handled_by)
    VALUES (the_message_id, the_sender, judged_at, coalesce(record_mail_request.identifiers, '{}'), wanted_start,
            wanted_end, coalesce(record_mail_request.reading, '{}'), 'unverified',
            coalesce(nullif(btrim(record_mail_request.handled_by), ''), session_user))
    ON CONFLICT ON CONSTRAINT freeze_requests_message_id_unique DO NOTHING
    RETURNING r.id INTO new_id;

    IF new_id IS NULL THEN
        -- Delivered before (or concurrently: the INSERT waited for that transaction to commit).
        SELECT * INTO row_found FROM freezegate.freeze_requests AS r WHERE r.message_id = the_message_id;
        PERFORM freezegate_private.end_operation(previous_operation);
        RETURN QUERY SELECT row_found.id, true, row_found.outcome, row_found.tenant::text, row_found.freeze_id,
            row_found.sqlstate, row_found.error_message, row_found.error_hint, false,
            NULL::date, NULL::date, NULL::integer, NULL::date, NULL::text;
        RETURN;
    END IF;

    -- One judgement per sender at a time, so that the hourly limit on failure answers holds.
    PERFORM pg_advisory_xact_lock(hashtext('freezegate.freeze_requests:' || lower(the_sender)));

    SELECT coalesce(array_agg(DISTINCT k.key), '{}') INTO named
    FROM (SELECT t.key FROM freezegate.tenants AS t WHERE t.key = ANY (wanted)
          UNION
          SELECT d.tenant FROM freezegate.domains AS d WHERE d.domain = ANY (wanted)) AS k;
    SELECT coalesce(array_agg(t.key ORDER BY t.key), '{}') INTO owned
    FROM freezegate.tenants AS t
    WHERE t.key = ANY (named) AND freezegate_private.same_email(the_sender, t.owner_email);

    -- The days are the tenant's days: its own zone, else the default (the gateway profile's).
    IF cardinality(owned) = 1 THEN
        SELECT coalesce(t.time_zone, zone) INTO zone FROM freezegate.tenants AS t WHERE t.key = owned[1];
        SELECT p.starts_at, p.ends_at INTO wanted_start, wanted_end
        FROM freezegate_private.mail_period(wanted_first, wanted_last, zone, judged_at) AS p;
    END IF;

    IF NOT coalesce(record_mail_request.authenticated, false) THEN
        result_outcome := 'unverified';
    ELSIF cardinality(named) > 0 AND cardinality(owned) = 0 THEN
        result_outcome := 'unverified';
    ELSIF NOT EXISTS (SELECT FROM freezegate.tenants AS t WHERE freezegate_private.same_email(the_sender, t.owner_email)) THEN
        result_outcome := 'unverified';
    ELSIF cardinality(owned) > 1 OR wanted_start IS NULL OR wanted_end IS NULL OR cardinality(wanted) = 0 THEN
        result_outcome := 'unreadable';
        IF cardinality(owned) = 1 THEN tenant_key := owned[1]; END IF;
    ELSIF cardinality(owned) = 0 THEN
        result_outcome := 'refused';
        err_state := 'FG010';
        err_message := format('no tenant has the identifier %s', array_to_string(wanted, ', '));
        err_hint := 'Tenant keys are the first label of the CRM address (school in school.s20.online), or a custom domain.';
    ELSE
        tenant_key := owned[1];
        BEGIN
            result_freeze := freezegate.request_freeze(tenant_key, wanted_start, wanted_end, the_sender, false, judged_at);
            result_outcome := 'accepted';
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS err_state = RETURNED_SQLSTATE, err_message = MESSAGE_TEXT, err_hint = PG_EXCEPTION_HINT;
            IF err_state NOT LIKE 'FG%' THEN
                RAISE;
            END IF;
            result_outcome := 'refused';
        END;
    END IF;

    IF coalesce(record_mail_request.may_reply, false) AND result_outcome <> 'unverified' THEN
        due := result_outcome = 'accepted' OR NOT EXISTS (
            SELECT FROM freezegate.freeze_requests AS r
            WHERE r.id <> new_id AND r.outcome IN ('refused', 'unreadable')
              AND r.replied_at > judged_at - interval '1 hour'
              AND freezegate_private.same_email(r.sender, the_sender));
    END IF;

    UPDATE freezegate.freeze_requests AS r
    SET starts_at = wanted_start, ends_at = wanted_end, outcome = result_outcome, tenant = tenant_key, freeze_id = result_freeze, sqlstate = err_state,
        error_message = err_message, error_hint = nullif(err_hint, ''), replied_at = CASE WHEN due THEN judged_at END
    WHERE r.id = new_id;

    PERFORM freezegate_private.end_operation(previous_operation);
    RETURN QUERY
    SELECT new_id, false, result_outcome, tenant_key, result_freeze, err_state, err_message, nullif(err_hint, ''), due,
        (f.starts_at AT TIME ZONE zone)::date,
        ((f.ends_at - interval '1 microsecond') AT TIME ZONE zone)::date,
        (extract(epoch FROM f.credited) / 86400)::integer,
        ((t.paid_until - interval '1 microsecond') AT TIME ZONE zone)::date + 1,
        zone
    FROM (SELECT 1) AS one
    LEFT JOIN freezegate.freezes AS f ON f.id = result_freeze
    LEFT JOIN freezegate.tenants AS t ON t.key = f.tenant;
END
$$;
COMMENT ON FUNCTION freezegate.record_mail_request(text, text, boolean, text[], date, date, jsonb, boolean, text, text, timestamptz) IS
    'Records a freeze request received by e-mail and judges it with request_freeze in the tenant''s time zone, once per Message-ID.';

-- mail_request_counts(): how many freeze requests by e-mail were recorded, by outcome and, for a
-- refusal, by the rule's SQLSTATE. The gateway exports these as freezegate_mail_requests so that
-- the intake is watched where the gateway is, whichever way mail reaches it (a pipe transport runs
-- one short process per message, which nothing could scrape).
--
-- SECURITY DEFINER, so that the gateway needs only EXECUTE on this function, not the requests'
-- senders and contents.
CREATE OR REPLACE FUNCTION freezegate.mail_request_counts()
    RETURNS TABLE (outcome text, sqlstate text, requests bigint)
    LANGUAGE sql
    STABLE
    SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT r.outcome, CASE WHEN r.outcome = 'refused' THEN coalesce(r.sqlstate, '') ELSE '' END, count(*)
    FROM freezegate.freeze_requests AS r
    GROUP BY 1, 2
    ORDER BY 1, 2
$$;
COMMENT ON FUNCTION freezegate.mail_request_counts() IS
    'Freeze requests by e-mail recorded so far, by outcome and (for refusals) SQLSTATE; read by the gateway''s metrics.';
