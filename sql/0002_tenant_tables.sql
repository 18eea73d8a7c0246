-- FreezeGate tenant model: tenants, custom domains, freezes, payments.
-- Schema freezegate is created by 0001. See sql/README.md for the model and the rules.
-- The constraints make nonsense impossible even for hand-written DML.
-- Tenant keys and domains are ASCII and compared byte-wise: COLLATE "C" (also much faster to sort
-- and join than a linguistic collation, which the snapshot query needs).

-- btree_gist gives the gist operator class for "tenant WITH =" in the exclusion constraint below.
CREATE EXTENSION IF NOT EXISTS btree_gist;

CREATE TABLE freezegate.tenants (
    -- A DNS label: the subdomain of the tenant (acme.s20.online).
    key text COLLATE "C" PRIMARY KEY
        CONSTRAINT tenants_key_is_dns_label CHECK (key ~ '^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$'),
    -- The main administrator's e-mail; freeze requests must come from it (rule 1, case-insensitive).
    owner_email text NOT NULL
        CONSTRAINT tenants_owner_email_shape CHECK (
            length(owner_email) <= 254
            AND owner_email ~ '^[^@[:space:]]+@[^@[:space:].]+(\.[^@[:space:].]+)+$'),
    -- Start of the current paid period; NULL = since forever. Later than now only while a freeze
    -- paid with rule 5's month is still to end.
    paid_from timestamptz,
    -- EFFECTIVE end of the paid period: already moved later by the paid time credited to every
    -- non-cancelled freeze (freezes.credited).
    paid_until timestamptz NOT NULL
        CONSTRAINT tenants_paid_until_finite CHECK (isfinite(paid_until)),
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT tenants_paid_period_ordered CHECK (paid_from IS NULL OR (isfinite(paid_from) AND paid_from <= paid_until))
);

COMMENT ON TABLE freezegate.tenants IS 'One row per CRM account; key is its subdomain label.';
COMMENT ON COLUMN freezegate.tenants.paid_until IS
    'Effective end of the paid period, including the paid time credited by non-cancelled freezes.';
COMMENT ON COLUMN freezegate.tenants.paid_from IS 'Start of the current paid period; NULL = since forever.';

CREATE TABLE freezegate.domains (
    -- Stored lower-case, without a trailing dot; unique across all tenants.
    domain text COLLATE "C" PRIMARY KEY
        CONSTRAINT domains_domain_is_hostname CHECK (
            length(domain) <= 253
            AND domain ~ '^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$'
            AND domain ~ '[a-z][a-z0-9-]*$'),
    tenant text COLLATE "C" NOT NULL REFERENCES freezegate.tenants (key) ON DELETE CASCADE ON UPDATE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX domains_tenant_idx ON freezegate.domains (tenant);

COMMENT ON TABLE freezegate.domains IS 'Custom domains of tenants (besides <key>.<base-domain>).';

CREATE TABLE freezegate.freezes (
    id bigserial PRIMARY KEY,
    tenant text COLLATE "C" NOT NULL REFERENCES freezegate.tenants (key) ON DELETE CASCADE ON UPDATE CASCADE,
    starts_at timestamptz NOT NULL CONSTRAINT freezes_starts_at_finite CHECK (isfinite(starts_at)),
    -- Planned end.
    ends_at timestamptz NOT NULL CONSTRAINT freezes_ends_at_finite CHECK (isfinite(ends_at)),
    -- Actual end when unfreeze() ended it early; the effective end is coalesce(ended_at, ends_at).
    ended_at timestamptz,
    -- Set by cancel_freeze(); a cancelled freeze counts for nothing.
    cancelled_at timestamptz,
    requested_by text NOT NULL,
    kind text NOT NULL DEFAULT 'request' CONSTRAINT freezes_kind CHECK (kind IN ('request', 'forced')),
    -- The support override's reason (required for kind 'forced').
    reason text,
    -- Paid time credited by this freeze: included in tenants.paid_until.
    credited interval NOT NULL DEFAULT interval '0' CONSTRAINT freezes_credited_not_negative CHECK (credited >= interval '0'),
    -- This freeze was requested together with the payment of one month (rule 5).
    paid_month boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT freezes_end_after_start CHECK (ends_at > starts_at),
    CONSTRAINT freezes_ended_within_window CHECK (ended_at IS NULL OR (ended_at >= starts_at AND ended_at <= ends_at)),
    CONSTRAINT freezes_ended_or_cancelled CHECK (ended_at IS NULL OR cancelled_at IS NULL),
    CONSTRAINT freezes_forced_has_reason CHECK (kind <> 'forced' OR (reason IS NOT NULL AND btrim(reason) <> '')),
    -- Freezes of one tenant never overlap (rule 6), whoever writes them.
    CONSTRAINT freezes_no_overlap EXCLUDE USING gist (
        tenant WITH =,
        tstzrange(starts_at, coalesce(ended_at, ends_at)) WITH &&
    ) WHERE (cancelled_at IS NULL)
);

CREATE INDEX freezes_tenant_starts_idx ON freezegate.freezes (tenant, starts_at);

COMMENT ON TABLE freezegate.freezes IS
    'Freeze windows [starts_at, coalesce(ended_at, ends_at)); cancelled ones have cancelled_at set.';

CREATE TABLE freezegate.payments (
    id bigserial PRIMARY KEY,
    tenant text COLLATE "C" NOT NULL REFERENCES freezegate.tenants (key) ON DELETE CASCADE ON UPDATE CASCADE,
    days integer NOT NULL CONSTRAINT payments_days_positive CHECK (days > 0),
    -- When the paid days start running if the payment opened a new paid period; NULL when the days
    -- were appended to the paid period that was running or scheduled.
    starts_at timestamptz,
    kind text NOT NULL DEFAULT 'payment' CONSTRAINT payments_kind CHECK (kind IN ('payment', 'freeze_month')),
    -- The freeze a 'freeze_month' payment came with.
    freeze_id bigint REFERENCES freezegate.freezes (id) ON DELETE SET NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX payments_tenant_idx ON freezegate.payments (tenant);

COMMENT ON TABLE freezegate.payments IS 'Payments recorded by record_payment() and rule 5''s month.';
