-- Freeze requests by e-mail: every message `freezegate intake mail` handles is one row of
-- freezegate.freeze_requests (Message-ID unique), and freezegate.record_mail_request records it and,
-- for a verified and readable request, calls request_freeze in the same transaction. Delivering the
-- same message twice makes one row and at most one freeze.
-- See sql/README.md, "Freeze requests by e-mail".

CREATE TABLE freezegate.freeze_requests (
    id bigserial PRIMARY KEY,
    -- The Message-ID with its angle brackets (or one the intake derived from the message's bytes).
    message_id text NOT NULL
        CONSTRAINT freeze_requests_message_id_unique UNIQUE
        CONSTRAINT freeze_requests_message_id_shape CHECK (length(message_id) BETWEEN 1 AND 998),
    -- The From address as written ('' when the message had none that could be read).
    sender text NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    -- What was read: the possible tenant identifiers (keys, domains), the period, and the rest
    -- (subject, language, why the request could not be read) as JSON.
    identifiers text[] NOT NULL DEFAULT '{}',
    starts_at timestamptz,
    ends_at timestamptz,
    reading jsonb NOT NULL DEFAULT '{}',
    -- The tenant the request was judged for (NULL when none could be).
    tenant text COLLATE "C",
    -- accepted: freeze_id made; refused: a rule's sqlstate; unreadable: not read without guessing;
    -- unverified: the sender was not authenticated, or is not the tenant's owner e-mail.
    outcome text NOT NULL
        CONSTRAINT freeze_requests_outcome CHECK (outcome IN ('accepted', 'refused', 'unreadable', 'unverified')),
    freeze_id bigint REFERENCES freezegate.freezes (id) ON DELETE SET NULL,
    sqlstate text,
    error_message text,
    error_hint text,
    -- When an answer was due and sent (RFC 3834 limits failure answers to one per sender per hour).
    replied_at timestamptz,
    -- Who handled it: the intake's name for itself, else the database session's user.
    handled_by text NOT NULL,
    CONSTRAINT freeze_requests_refused_has_sqlstate CHECK (outcome <> 'refused' OR sqlstate IS NOT NULL),
    CONSTRAINT freeze_requests_period_ordered CHECK (starts_at IS NULL OR ends_at IS NULL OR ends_at > starts_at)
);

CREATE INDEX freeze_requests_tenant_idx ON freezegate.freeze_requests (tenant, received_at);
CREATE INDEX freeze_requests_sender_idx ON freezegate.freeze_requests (lower(sender), received_at);

COMMENT ON TABLE freezegate.freeze_requests IS
    'Freeze requests received by e-mail: one row per Message-ID, with what was read and the outcome.';

-- Audited and announced like every other change (0003); a row without a tenant is audited only.
CREATE TRIGGER freeze_requests_audit_insert_delete AFTER INSERT OR DELETE ON freezegate.freeze_requests
    FOR EACH ROW EXECUTE FUNCTION freezegate.audit_and_notify('tenant');
CREATE TRIGGER freeze_requests_audit_update AFTER UPDATE ON freezegate.freeze_requests
    FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION freezegate.audit_and_notify('tenant');
CREATE TRIGGER freeze_requests_audit_truncate BEFORE TRUNCATE ON freezegate.freeze_requests
    FOR EACH STATEMENT EXECUTE FUNCTION freezegate.audit_and_notify_truncate('tenant');

-- Records one received message and judges it, in one transaction:
--   * a Message-ID seen before: nothing changes; the recorded row is returned with replayed = true;
--   * not authenticated by the operator's mail server: unverified;
--   * the identifiers name tenants, but none whose owner e-mail is the sender (rule 1): unverified;
--   * the sender owns no tenant at all: unverified (nobody to answer);
--   * several of the sender's tenants, no identifier or no period: unreadable;
--   * identifiers that name no tenant: refused with FG010;
--   * otherwise request_freeze(tenant, starts_at, ends_at, requested_by => sender): accepted with the
--     freeze id, or refused with the rule's SQLSTATE, message and hint (the failed call changes
--     nothing). Errors that are not a rule's (FG...) abort the whole call.
-- reply_due: an answer should be sent (may_reply: the message is not automatic mail, RFC 3834);
-- never for unverified or replayed messages, and for failures at most once per sender per hour.
CREATE FUNCTION freezegate.record_mail_request(
    message_id text, sender text, authenticated boolean, identifiers text[],
    starts_at timestamptz, ends_at timestamptz, reading jsonb, may_reply boolean, handled_by text,
    at timestamptz DEFAULT now())
    RETURNS TABLE (request_id bigint, replayed boolean, outcome text, tenant text, freeze_id bigint,
                   sqlstate text, error_message text, error_hint text, reply_due boolean,
                   freeze_first_day date, freeze_last_day date, paid_days_kept integer, paid_until date)
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    SET TimeZone = 'UTC'
AS $$
#variable_conflict use_variable
DECLARE
    previous_operation text := freezegate._begin_operation('record_mail_request');
    the_message_id text := record_mail_request.message_id;
    the_sender text := coalesce(record_mail_request.sender, '');
    wanted text[] := ARRAY(SELECT lower(rtrim(btrim(x), '.')) FROM unnest(coalesce(record_mail_request.identifiers, '{}')) AS x);
    wanted_start timestamptz := record_mail_request.starts_at;
    wanted_end timestamptz := record_mail_request.ends_at;
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
    PERFORM freezegate._require_instant(judged_at, 'at');
    IF the_message_id IS NULL OR btrim(the_message_id) = '' THEN
        RAISE EXCEPTION USING ERRCODE = 'FG014', MESSAGE = 'invalid argument: message_id must be given';
    END IF;

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
        PERFORM freezegate._end_operation(previous_operation);
        RETURN QUERY SELECT row_found.id, true, row_found.outcome, row_found.tenant::text, row_found.freeze_id,
            row_found.sqlstate, row_found.error_message, row_found.error_hint, false,
            NULL::date, NULL::date, NULL::integer, NULL::date;
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
    WHERE t.key = ANY (named) AND freezegate._same_email(the_sender, t.owner_email);

    IF NOT coalesce(record_mail_request.authenticated, false) THEN
        result_outcome := 'unverified';
    ELSIF cardinality(named) > 0 AND cardinality(owned) = 0 THEN
        result_outcome := 'unverified';
    ELSIF NOT EXISTS (SELECT FROM freezegate.tenants AS t WHERE freezegate._same_email(the_sender, t.owner_email)) THEN
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
              AND freezegate._same_email(r.sender, the_sender));
    END IF;

    UPDATE freezegate.freeze_requests AS r
    SET outcome = result_outcome, tenant = tenant_key, freeze_id = result_freeze, sqlstate = err_state,
        error_message = err_message, error_hint = nullif(err_hint, ''), replied_at = CASE WHEN due THEN judged_at END
    WHERE r.id = new_id;

    PERFORM freezegate._end_operation(previous_operation);
    RETURN QUERY
    SELECT new_id, false, result_outcome, tenant_key, result_freeze, err_state, err_message, nullif(err_hint, ''), due,
        (f.starts_at AT TIME ZONE 'UTC')::date,
        (f.ends_at AT TIME ZONE 'UTC')::date - 1,
        (extract(epoch FROM f.credited) / 86400)::integer,
        ((t.paid_until - interval '1 microsecond') AT TIME ZONE 'UTC')::date + 1
    FROM (SELECT 1) AS one
    LEFT JOIN freezegate.freezes AS f ON f.id = result_freeze
    LEFT JOIN freezegate.tenants AS t ON t.key = f.tenant;
END
$$;

COMMENT ON FUNCTION freezegate.record_mail_request(text, text, boolean, text[], timestamptz, timestamptz, jsonb, boolean, text, timestamptz) IS
    'Records a freeze request received by e-mail and judges it with request_freeze, once per Message-ID.';
