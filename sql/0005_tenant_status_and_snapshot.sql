-- The state of every tenant at an instant, and the snapshot queries of the gateway.
--
-- State of a tenant at instant t (the gateway computes it identically from the snapshot):
--   frozen   if some non-cancelled freeze has starts_at <= t < coalesce(ended_at, ends_at);
--   active   else if (paid_from IS NULL OR paid_from <= t) AND t < paid_until;
--   expired  otherwise.

CREATE FUNCTION freezegate.tenant_status_at(at timestamptz)
    RETURNS TABLE (tenant text, state text, frozen_from timestamptz, frozen_until timestamptz,
                   paid_until timestamptz, delete_after timestamptz)
    LANGUAGE sql STABLE
    SET search_path = pg_catalog, pg_temp
    SET TimeZone = 'UTC'
AS $$
    SELECT t.key,
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
          AND f.starts_at <= tenant_status_at.at AND tenant_status_at.at < coalesce(f.ended_at, f.ends_at)
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
            WHEN (t.paid_from IS NULL OR t.paid_from <= tenant_status_at.at) AND tenant_status_at.at < t.paid_until THEN 'active'
            ELSE 'expired'
        END AS state
    ) AS s
$$;

COMMENT ON FUNCTION freezegate.tenant_status_at(timestamptz) IS
    'State (active/frozen/expired) of every tenant at the instant; delete_after only for expired tenants.';

CREATE VIEW freezegate.tenant_status AS
    SELECT * FROM freezegate.tenant_status_at(now());

COMMENT ON VIEW freezegate.tenant_status IS 'tenant_status_at(now())';

-- Everything the gateway needs to decide any request of every tenant at any instant from `at` on:
-- the paid period, the custom domains, and the non-cancelled freezes not over at `at`
-- (effective end > at), ordered by start, freeze_ends being the effective ends.
-- Arrays are empty, never NULL.
--
-- Speed (bench/snapshot-query.sh: 100,000 tenants, 200,000 freezes): array_agg(... ORDER BY ...)
-- sorts every group once per aggregate, which costs more than the rest of the query together.
-- Instead the rows are sorted once in a subquery and aggregated in that order: PostgreSQL keeps
-- the order of a sorted subquery (it is not pulled up) into array_agg, and parallel plans -- the
-- one way to lose it -- are switched off for this function. sql/tests/15_snapshot.sql checks the order.
CREATE FUNCTION freezegate.snapshot_tenants(at timestamptz DEFAULT now())
    RETURNS TABLE (tenant text, paid_from timestamptz, paid_until timestamptz, domains text[],
                   freeze_ids bigint[], freeze_starts timestamptz[], freeze_ends timestamptz[])
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
           coalesce(f.ends, '{}')
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
            SELECT fz.tenant, fz.id, fz.starts_at, coalesce(fz.ended_at, fz.ends_at) AS effective_end
            FROM freezegate.freezes AS fz
            WHERE fz.cancelled_at IS NULL AND coalesce(fz.ended_at, fz.ends_at) > snapshot_tenants.at
            ORDER BY fz.tenant, fz.starts_at
        ) AS sorted
        GROUP BY sorted.tenant
    ) AS f ON f.tenant = t.key
$$;

-- The same for the given keys only; a key without a row is a tenant that does not exist (any more).
CREATE FUNCTION freezegate.snapshot_tenants(keys text[], at timestamptz DEFAULT now())
    RETURNS TABLE (tenant text, paid_from timestamptz, paid_until timestamptz, domains text[],
                   freeze_ids bigint[], freeze_starts timestamptz[], freeze_ends timestamptz[])
    LANGUAGE sql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT t.key,
           t.paid_from,
           t.paid_until,
           d.domains,
           f.ids,
           f.starts,
           f.ends
    FROM freezegate.tenants AS t
    CROSS JOIN LATERAL (
        SELECT coalesce(array_agg(dm.domain ORDER BY dm.domain), '{}') AS domains
        FROM freezegate.domains AS dm
        WHERE dm.tenant = t.key
    ) AS d
    CROSS JOIN LATERAL (
        SELECT coalesce(array_agg(fz.id ORDER BY fz.starts_at), '{}') AS ids,
               coalesce(array_agg(fz.starts_at ORDER BY fz.starts_at), '{}') AS starts,
               coalesce(array_agg(coalesce(fz.ended_at, fz.ends_at) ORDER BY fz.starts_at), '{}') AS ends
        FROM freezegate.freezes AS fz
        WHERE fz.tenant = t.key AND fz.cancelled_at IS NULL
          AND coalesce(fz.ended_at, fz.ends_at) > snapshot_tenants.at
    ) AS f
    WHERE t.key = ANY (snapshot_tenants.keys)
$$;
