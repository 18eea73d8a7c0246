-- A tenant may have its own time zone: an IANA zone name (Europe/Moscow, Asia/Yekaterinburg, ...)
-- in which the gateway's blocked page shows dates. NULL: the zone of the gateway's profile
-- (time_zone). The zone changes only how dates read; every instant stays a timestamptz.
--
-- The change is audited and announced (NOTIFY freezegate_tenant_changed) by the tenants triggers
-- of 0003 like every other change, and snapshot_tenants carries the column to the gateways,
-- together with the two instants the page of an expired tenant shows: when its paid and frozen
-- time runs out (expires_at) and the delete_after of tenant_status_at.

-- Whether `zone` is a zone name this server knows (pg_timezone_names), in its exact spelling.
-- The posix/ and right/ copies of the tz database and the zone-less names (Factory, posixrules,
-- localtime) are refused: a gateway's own zone data need not know them.
CREATE FUNCTION freezegate._is_time_zone(zone text) RETURNS boolean
    LANGUAGE sql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT zone ~ '^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+){0,2}$'
       AND zone !~ '^(posix|right)/'
       AND zone NOT IN ('Factory', 'posixrules', 'localtime')
       AND EXISTS (SELECT 1 FROM pg_timezone_names AS n WHERE n.name = zone)
$$;

ALTER TABLE freezegate.tenants
    ADD COLUMN time_zone text COLLATE "C"
        CONSTRAINT tenants_time_zone_known CHECK (time_zone IS NULL OR freezegate._is_time_zone(time_zone));

COMMENT ON COLUMN freezegate.tenants.time_zone IS
    'IANA time zone of the dates on the tenant''s blocked page; NULL = the gateway profile''s time_zone. Set with set_time_zone.';

-- set_time_zone(tenant, time_zone): names the tenant's zone; NULL or '' clears it.
-- FG010 for an unknown tenant, FG014 for a name that is not a known IANA zone.
CREATE FUNCTION freezegate.set_time_zone(tenant text, time_zone text, at timestamptz DEFAULT now())
    RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    SET TimeZone = 'UTC'
AS $$
#variable_conflict use_column
DECLARE
    previous_operation text := freezegate._begin_operation('set_time_zone');
    tenant_key text := set_time_zone.tenant;
    zone_name text := nullif(btrim(set_time_zone.time_zone), '');
BEGIN
    PERFORM freezegate._require_instant(set_time_zone.at, 'at');
    IF zone_name IS NOT NULL AND NOT freezegate._is_time_zone(zone_name) THEN
        RAISE EXCEPTION USING ERRCODE = 'FG014',
            MESSAGE = format('invalid argument: time zone %s is not a known IANA time zone', quote_literal(zone_name)),
            HINT = 'Use a name from pg_timezone_names in its exact spelling, such as Europe/Moscow or Asia/Yekaterinburg; NULL clears it (the gateway profile''s time_zone applies).';
    END IF;
    PERFORM freezegate._lock_tenant(tenant_key);
    UPDATE freezegate.tenants AS t SET time_zone = zone_name
    WHERE t.key = tenant_key AND t.time_zone IS DISTINCT FROM zone_name;
    PERFORM freezegate._end_operation(previous_operation);
END
$$;

-- snapshot_tenants (both forms) with three more columns: time_zone, expires_at (greatest of
-- paid_until and the effective end of the tenant's last non-cancelled freeze: the instant it is
-- expired from unless paid again) and delete_after (expires_at + 30 days, as tenant_status_at
-- reports it for an expired tenant). The result type changes, so they are dropped and created
-- again (with the same bodies otherwise); a privilege granted on them by hand must be granted again.
DROP FUNCTION freezegate.snapshot_tenants(timestamptz);
DROP FUNCTION freezegate.snapshot_tenants(text[], timestamptz);

CREATE FUNCTION freezegate.snapshot_tenants(at timestamptz DEFAULT now())
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
            SELECT fz.tenant, fz.id, fz.starts_at, coalesce(fz.ended_at, fz.ends_at) AS effective_end
            FROM freezegate.freezes AS fz
            WHERE fz.cancelled_at IS NULL AND coalesce(fz.ended_at, fz.ends_at) > snapshot_tenants.at
            ORDER BY fz.tenant, fz.starts_at
        ) AS sorted
        GROUP BY sorted.tenant
    ) AS f ON f.tenant = t.key
    LEFT JOIN (
        SELECT fz.tenant, max(coalesce(fz.ended_at, fz.ends_at)) AS last_end
        FROM freezegate.freezes AS fz
        WHERE fz.cancelled_at IS NULL
        GROUP BY fz.tenant
    ) AS l ON l.tenant = t.key
$$;

CREATE FUNCTION freezegate.snapshot_tenants(keys text[], at timestamptz DEFAULT now())
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
               coalesce(array_agg(coalesce(fz.ended_at, fz.ends_at) ORDER BY fz.starts_at), '{}') AS ends
        FROM freezegate.freezes AS fz
        WHERE fz.tenant = t.key AND fz.cancelled_at IS NULL
          AND coalesce(fz.ended_at, fz.ends_at) > snapshot_tenants.at
    ) AS f
    CROSS JOIN LATERAL (
        SELECT max(coalesce(fz.ended_at, fz.ends_at)) AS last_end
        FROM freezegate.freezes AS fz
        WHERE fz.tenant = t.key AND fz.cancelled_at IS NULL
    ) AS l
    WHERE t.key = ANY (snapshot_tenants.keys)
$$;
