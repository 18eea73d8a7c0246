-- FreezeGate's own schema. Everything the gateway owns in the database lives in it.
-- The migration history (freezegate.schema_migrations) is created by `freezegate migrate` itself.
CREATE SCHEMA IF NOT EXISTS freezegate;
COMMENT ON SCHEMA freezegate IS 'FreezeGate: tenants, freezes, payments, audit log (see sql/README.md)';
