-- The shapes of the model's values, each defined once as a domain, instead of a regular expression
-- repeated in a table's check constraint and in the function that names the error:
--
--   tenant_key           a DNS label, the tenant's subdomain: 1-63 of a-z 0-9 -, not starting or
--                        ending with '-' (tenants.key and the columns that reference it)
--   email_address        local@domain with a dot in the domain, at most 254 characters
--                        (tenants.owner_email)
--   host_name            a custom domain as stored: two or more DNS labels, lower-case, no
--                        trailing dot, the last label not all digits, at most 253 characters
--                        (domains.domain)
--   upstream_group_name  1-63 letters, digits, '_' or '-' (tenants.upstream_group)
--
-- The columns take the domains in place of their check constraints; a direct write of a malformed
-- value still fails with SQLSTATE 23514 (check_violation), now naming the domain's constraint. The
-- functions (sql/R__tenants.sql) test a value against the same domain and raise FG014 as before.
-- Keys and host names keep COLLATE "C" (byte-wise, as 0002 explains).

CREATE DOMAIN freezegate.tenant_key AS text COLLATE "C"
    CONSTRAINT tenant_key_is_dns_label CHECK (VALUE ~ '^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$');
COMMENT ON DOMAIN freezegate.tenant_key IS 'A tenant key: a DNS label, the tenant''s subdomain.';

CREATE DOMAIN freezegate.email_address AS text
    CONSTRAINT email_address_shape CHECK (
        length(VALUE) <= 254 AND VALUE ~ '^[^@[:space:]]+@[^@[:space:].]+(\.[^@[:space:].]+)+$');
COMMENT ON DOMAIN freezegate.email_address IS 'An e-mail address: local@domain, the domain with a dot.';

CREATE DOMAIN freezegate.host_name AS text COLLATE "C"
    CONSTRAINT host_name_shape CHECK (
        length(VALUE) <= 253
        AND VALUE ~ '^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$'
        AND VALUE ~ '[a-z][a-z0-9-]*$');
COMMENT ON DOMAIN freezegate.host_name IS
    'A host name as stored: two or more lower-case DNS labels, no trailing dot, the last not all digits.';

CREATE DOMAIN freezegate.upstream_group_name AS text COLLATE "C"
    CONSTRAINT upstream_group_name_shape CHECK (VALUE ~ '^[A-Za-z0-9_-]{1,63}$');
COMMENT ON DOMAIN freezegate.upstream_group_name IS 'A gateway upstream group''s name, as the profile declares it.';

ALTER TABLE freezegate.tenants
    DROP CONSTRAINT tenants_key_is_dns_label,
    DROP CONSTRAINT tenants_owner_email_shape,
    DROP CONSTRAINT tenants_upstream_group_shape,
    ALTER COLUMN key TYPE freezegate.tenant_key,
    ALTER COLUMN owner_email TYPE freezegate.email_address,
    ALTER COLUMN upstream_group TYPE freezegate.upstream_group_name;

ALTER TABLE freezegate.domains
    DROP CONSTRAINT domains_domain_is_hostname,
    ALTER COLUMN domain TYPE freezegate.host_name,
    ALTER COLUMN tenant TYPE freezegate.tenant_key;

ALTER TABLE freezegate.freezes ALTER COLUMN tenant TYPE freezegate.tenant_key;
ALTER TABLE freezegate.payments ALTER COLUMN tenant TYPE freezegate.tenant_key;
