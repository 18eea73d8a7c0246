-- mail_request_counts(): how many freeze requests by e-mail were recorded, by outcome and, for a
-- refusal, by the rule's SQLSTATE. The gateway exports these as freezegate_mail_requests so that
-- the intake is watched where the gateway is, whichever way mail reaches it (a pipe transport runs
-- one short process per message, which nothing could scrape).
--
-- SECURITY DEFINER, so that the gateway needs only EXECUTE on this function, not the requests'
-- senders and contents.

CREATE FUNCTION freezegate.mail_request_counts()
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
