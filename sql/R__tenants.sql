-- Tenants and their domains, upstream groups and time zones.

-- create_tenant(tenant, owner_email, paid_until): a new tenant; FG014 for a malformed key or
-- e-mail, FG015 if the key exists.
CREATE OR REPLACE FUNCTION freezegate.create_tenant(tenant text, owner_email text, paid_until timestamptz,
                                         at timestamptz DEFAULT now())
    RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    SET TimeZone = 'UTC'
AS $$
#variable_conflict use_column
DECLARE
    previous_operation text := freezegate_private.begin_operation('create_tenant');
    new_key text := create_tenant.tenant;
    new_email text := create_tenant.owner_email;
    new_paid_until timestamptz := create_tenant.paid_until;
    judged_at timestamptz := create_tenant.at;
BEGIN
    PERFORM freezegate_private.require_instant(judged_at, 'at');
    IF NOT freezegate_private.is_of_domain(new_key, 'freezegate.tenant_key') THEN
        RAISE EXCEPTION USING ERRCODE = 'FG014',
            MESSAGE = format('invalid argument: tenant key %s is not a DNS label', coalesce(quote_literal(new_key), 'NULL')),
            HINT = 'A tenant key is 1-63 lower-case letters, digits and "-", not starting or ending with "-".';
    END IF;
    IF NOT freezegate_private.is_of_domain(new_email, 'freezegate.email_address') THEN
        RAISE EXCEPTION USING ERRCODE = 'FG014',
            MESSAGE = format('invalid argument: owner_email %s is not an e-mail address', coalesce(quote_literal(new_email), 'NULL'));
    END IF;
    PERFORM freezegate_private.require_instant(new_paid_until, 'paid_until');
    INSERT INTO freezegate.tenants (key, owner_email, paid_from, paid_until, created_at)
    VALUES (new_key, new_email, NULL, new_paid_until, judged_at)
    ON CONFLICT (key) DO NOTHING;
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'FG015',
            MESSAGE = format('tenant %s already exists', quote_literal(new_key));
    END IF;
    PERFORM freezegate_private.end_operation(previous_operation);
END
$$;

-- add_domain(tenant, domain): a custom domain, normalised (trimmed, lower-cased, one trailing dot
-- stripped); FG014 if malformed, FG015 if registered already.
CREATE OR REPLACE FUNCTION freezegate.add_domain(tenant text, domain text, at timestamptz DEFAULT now())
    RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    SET TimeZone = 'UTC'
AS $$
#variable_conflict use_column
DECLARE
    previous_operation text := freezegate_private.begin_operation('add_domain');
    tenant_key text := add_domain.tenant;
    host text := lower(btrim(add_domain.domain));
    judged_at timestamptz := add_domain.at;
    owner_key text;
BEGIN
    PERFORM freezegate_private.require_instant(judged_at, 'at');
    PERFORM freezegate_private.lock_tenant(tenant_key);
    IF right(host, 1) = '.' THEN
        host := left(host, -1);
    END IF;
    IF NOT freezegate_private.is_of_domain(host, 'freezegate.host_name') THEN
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
    PERFORM freezegate_private.end_operation(previous_operation);
END
$$;

-- set_upstream_group(tenant, upstream_group): names the tenant's group; NULL or '' clears it.
-- FG010 for an unknown tenant, FG014 for a name that is not 1-63 letters, digits, '_' or '-'.
CREATE OR REPLACE FUNCTION freezegate.set_upstream_group(tenant text, upstream_group text, at timestamptz DEFAULT now())
    RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    SET TimeZone = 'UTC'
AS $$
#variable_conflict use_column
DECLARE
    previous_operation text := freezegate_private.begin_operation('set_upstream_group');
    tenant_key text := set_upstream_group.tenant;
    group_name text := nullif(btrim(set_upstream_group.upstream_group), '');
BEGIN
    PERFORM freezegate_private.require_instant(set_upstream_group.at, 'at');
    IF group_name IS NOT NULL AND NOT freezegate_private.is_of_domain(group_name, 'freezegate.upstream_group_name') THEN
        RAISE EXCEPTION USING ERRCODE = 'FG014',
            MESSAGE = format('invalid argument: upstream group %s is not a group name', quote_literal(group_name)),
            HINT = 'A group name is 1 to 63 letters, digits, ''_'' or ''-'', as declared under upstream_groups in the gateway''s profile; NULL clears it.';
    END IF;
    PERFORM freezegate_private.lock_tenant(tenant_key);
    UPDATE freezegate.tenants AS t SET upstream_group = group_name WHERE t.key = tenant_key;
    PERFORM freezegate_private.end_operation(previous_operation);
END
$$;

-- Whether `zone` is a zone name this server knows (pg_timezone_names), in its exact spelling.
-- The posix/ and right/ copies of the tz database and the zone-less names (Factory, posixrules,
-- localtime) are refused: a gateway's own zone data need not know them. Used by the check
-- constraint tenants_time_zone_known.
CREATE OR REPLACE FUNCTION freezegate_private.is_time_zone(zone text) RETURNS boolean
    LANGUAGE sql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT zone ~ '^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+){0,2}$'
       AND zone !~ '^(posix|right)/'
       AND zone NOT IN ('Factory', 'posixrules', 'localtime')
       AND EXISTS (SELECT 1 FROM pg_timezone_names AS n WHERE n.name = zone)
$$;

-- set_time_zone(tenant, time_zone): names the tenant's zone; NULL or '' clears it.
-- FG010 for an unknown tenant, FG014 for a name that is not a known IANA zone.
CREATE OR REPLACE FUNCTION freezegate.set_time_zone(tenant text, time_zone text, at timestamptz DEFAULT now())
    RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    SET TimeZone = 'UTC'
AS $$
#variable_conflict use_column
DECLARE
    previous_operation text := freezegate_private.begin_operation('set_time_zone');
    tenant_key text := set_time_zone.tenant;
    zone_name text := nullif(btrim(set_time_zone.time_zone), '');
BEGIN
    PERFORM freezegate_private.require_instant(set_time_zone.at, 'at');
    IF zone_name IS NOT NULL AND NOT freezegate_private.is_time_zone(zone_name) THEN
        RAISE EXCEPTION USING ERRCODE = 'FG014',
            MESSAGE = format('invalid argument: time zone %s is not a known IANA time zone', quote_literal(zone_name)),
            HINT = 'Use a name from pg_timezone_names in its exact spelling, such as Europe/Moscow or Asia/Yekaterinburg; NULL clears it (the gateway profile''s time_zone applies).';
    END IF;
    PERFORM freezegate_private.lock_tenant(tenant_key);
    UPDATE freezegate.tenants AS t SET time_zone = zone_name
    WHERE t.key = tenant_key AND t.time_zone IS DISTINCT FROM zone_name;
    PERFORM freezegate_private.end_operation(previous_operation);
END
$$;
