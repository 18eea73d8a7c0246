-- A tenant may name its own upstream group: a set of CRM servers declared in the gateway's profile
-- (upstream_groups), for moving one school to another cluster without touching DNS. NULL: the
-- group of its base domain (the profile's upstream_routes), else the default group. A name the
-- gateway's profile does not declare sends the tenant to the default group with a warning in the
-- gateway's log; a request is never dropped for it.
--
-- The change is audited and announced (NOTIFY freezegate_tenant_changed) by the tenants triggers
-- of 0003 like every other change, and snapshot_tenants carries the column to the gateways.

ALTER TABLE freezegate.tenants
    ADD COLUMN upstream_group text COLLATE "C"
        CONSTRAINT tenants_upstream_group_shape CHECK (upstream_group ~ '^[A-Za-z0-9_-]{1,63}$');

COMMENT ON COLUMN freezegate.tenants.upstream_group IS
    'The gateway upstream group of the tenant''s requests; NULL = its base domain''s group. Set with set_upstream_group.';

-- set_upstream_group(tenant, upstream_group): names the tenant's group; NULL or '' clears it.
-- FG010 for an unknown tenant, FG014 for a name that is not 1-63 letters, digits, '_' or '-'.
CREATE FUNCTION freezegate.set_upstream_group(tenant text, upstream_group text, at timestamptz DEFAULT now())
    RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    SET TimeZone = 'UTC'
AS $$
#variable_conflict use_column
DECLARE
    previous_operation text := freezegate._begin_operation('set_upstream_group');
    tenant_key text := set_upstream_group.tenant;
    group_name text := nullif(btrim(set_upstream_group.upstream_group), '');
BEGIN
    PERFORM freezegate._require_instant(set_upstream_group.at, 'at');
    IF group_name IS NOT NULL AND group_name !~ '^[A-Za-z0-9_-]{1,63}$' THEN
        RAISE EXCEPTION USING ERRCODE = 'FG014',
            MESSAGE = format('invalid argument: upstream group %s is not a group name', quote_literal(group_name)),
            HINT = 'A group name is 1 to 63 letters, digits, ''_'' or ''-'', as declared under upstream_groups in the gateway''s profile; NULL clears it.';
    END IF;
    PERFORM freezegate._lock_tenant(tenant_key);
    UPDATE freezegate.tenants AS t SET upstream_group = group_name WHERE t.key = tenant_key;
    PERFORM freezegate._end_operation(previous_operation);
END
$$;

-- snapshot_tenants (both forms) with the tenant's upstream group as a last column. The result
-- type changes, so they are dropped and created again (with the same bodies otherwise); a
-- privilege granted on them by hand must be granted again.
DROP FUNCTION freezegate.snapshot_tenants(timestamptz);
DROP FUNCTION freezegate.snapshot_tenants(text[], timestamptz);

CREATE FUNCTION freezegate.snapshot_tenants(at timestamptz DEFAULT now())
    RETURNS TABLE (tenant text, paid_from timestamptz, paid_until timestamptz, domains text[],
                   freeze_ids bigint[], freeze_starts timestamptz[], freeze_ends timestamptz[],
                   upstream_group text)
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
           t.upstream_group
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

CREATE FUNCTION freezegate.snapshot_tenants(keys text[], at timestamptz DEFAULT now())
    RETURNS TABLE (tenant text, paid_from timestamptz, paid_until timestamptz, domains text[],
                   freeze_ids bigint[], freeze_starts timestamptz[], freeze_ends timestamptz[],
                   upstream_group text)
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
           t.upstream_group
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
