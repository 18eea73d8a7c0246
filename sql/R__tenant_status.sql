-- The state of a tenant at an instant, for operators (tenant_status_at, the view tenant_status) and
-- for the gateways (snapshot_tenants, which the gateway loads its state with and computes the same
-- states from: see sql/README.md, "State of a tenant at an instant t").

-- tenant_status_at(at): every tenant's state at the instant; a NULL or infinite instant raises
-- FG014 instead of reporting every tenant as expired.
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
    PERFORM freezegate_private.require_instant(judged_at, 'at');
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
        SELECT f.starts_at, freezegate.effective_end(f) AS effective_end
        FROM freezegate.freezes AS f
        WHERE f.tenant = t.key AND f.cancelled_at IS NULL
          AND f.starts_at <= judged_at AND judged_at < freezegate.effective_end(f)
        ORDER BY f.starts_at
        LIMIT 1
    ) AS running ON true
    LEFT JOIN LATERAL (
        SELECT max(freezegate.effective_end(f)) AS effective_end
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
COMMENT ON FUNCTION freezegate.tenant_status_at(timestamptz) IS
    'State (active/frozen/expired) of every tenant at the instant; delete_after only for expired tenants.';

-- The state of every tenant now.
CREATE OR REPLACE VIEW freezegate.tenant_status AS
    SELECT * FROM freezegate.tenant_status_at(now());
COMMENT ON VIEW freezegate.tenant_status IS 'tenant_status_at(now())';

-- snapshot_tenants(at): every tenant as the gateway loads it: its paid period, its domains (sorted),
-- its freezes whose effective end is after `at` (ordered by start), its upstream group and time
-- zone, and the instants its blocked page shows (expires_at, delete_after). Empty arrays, never
-- NULL.
CREATE OR REPLACE FUNCTION freezegate.snapshot_tenants(at timestamptz DEFAULT now())
    RETURNS TABLE (tenant text, paid_from timestamptz, paid_until timestamptz, domains text[],
                   freeze_ids bigint[], freeze_starts timestamptz[], freeze_ends timestamptz[],
                   upstream_group text, time_zone text, expires_at timestamptz, delete_after timestamptz)
    LANGUAGE sql STABLE
    SET search_path = pg_catalog, pg_temp
    SET max_parallel_workers_per_gather = 0
    SET work_mem = '32MB'
AS $$
    SELECT t.key,
           t.paid_from,
           t.paid_until,
           coalesce(d.domains, '{}'),
           coalesce(f.ids, '{}'),
           coalesce(f.starts, '{}'),
           coalesce(f.ends, '{}'),
           t.upstream_group,
           t.time_zone,
           greatest(t.paid_until, l.last_end),
           greatest(t.paid_until, l.last_end) + interval '30 days'
    FROM freezegate.tenants AS t
    LEFT JOIN (
        SELECT sorted.tenant, array_agg(sorted.domain) AS domains
        FROM (SELECT dm.tenant, dm.domain FROM freezegate.domains AS dm ORDER BY dm.tenant, dm.domain) AS sorted
        GROUP BY sorted.tenant
    ) AS d ON d.tenant = t.key
    LEFT JOIN (
        SELECT sorted.tenant,
               array_agg(sorted.id) AS ids,
               array_agg(sorted.starts_at) AS starts,
               array_agg(sorted.effective_end) AS ends
        FROM (
            SELECT fz.tenant, fz.id, fz.starts_at, freezegate.effective_end(fz) AS effective_end
            FROM freezegate.freezes AS fz
            WHERE fz.cancelled_at IS NULL AND freezegate.effective_end(fz) > snapshot_tenants.at
            ORDER BY fz.tenant, fz.starts_at
        ) AS sorted
        GROUP BY sorted.tenant
    ) AS f ON f.tenant = t.key
    LEFT JOIN (
        SELECT fz.tenant, max(freezegate.effective_end(fz)) AS last_end
        FROM freezegate.freezes AS fz
        WHERE fz.cancelled_at IS NULL
        GROUP BY fz.tenant
    ) AS l ON l.tenant = t.key
$$;

-- snapshot_tenants(keys, at): the same for the given keys only (the gateway's resync of the tenants
-- a notification named); a key without a row is a tenant that does not exist (any more).
CREATE OR REPLACE FUNCTION freezegate.snapshot_tenants(keys text[], at timestamptz DEFAULT now())
    RETURNS TABLE (tenant text, paid_from timestamptz, paid_until timestamptz, domains text[],
                   freeze_ids bigint[], freeze_starts timestamptz[], freeze_ends timestamptz[],
                   upstream_group text, time_zone text, expires_at timestamptz, delete_after timestamptz)
    LANGUAGE sql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT t.key,
           t.paid_from,
           t.paid_until,
           d.domains,
           f.ids,
           f.starts,
           f.ends,
           t.upstream_group,
           t.time_zone,
           greatest(t.paid_until, l.last_end),
           greatest(t.paid_until, l.last_end) + interval '30 days'
    FROM freezegate.tenants AS t
    CROSS JOIN LATERAL (
        SELECT coalesce(array_agg(dm.domain ORDER BY dm.domain), '{}') AS domains
        FROM freezegate.domains AS dm
        WHERE dm.tenant = t.key
    ) AS d
    CROSS JOIN LATERAL (
        SELECT coalesce(array_agg(fz.id ORDER BY fz.starts_at), '{}') AS ids,
               coalesce(array_agg(fz.starts_at ORDER BY fz.starts_at), '{}') AS starts,
               coalesce(array_agg(freezegate.effective_end(fz) ORDER BY fz.starts_at), '{}') AS ends
        FROM freezegate.freezes AS fz
        WHERE fz.tenant = t.key AND fz.cancelled_at IS NULL
          AND freezegate.effective_end(fz) > snapshot_tenants.at
    ) AS f
    CROSS JOIN LATERAL (
        SELECT max(freezegate.effective_end(fz)) AS last_end
        FROM freezegate.freezes AS fz
        WHERE fz.tenant = t.key AND fz.cancelled_at IS NULL
    ) AS l
    WHERE t.key = ANY (snapshot_tenants.keys)
$$;
