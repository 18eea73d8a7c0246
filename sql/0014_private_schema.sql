-- The internal helpers move out of the public interface into schema freezegate_private: schema
-- freezegate keeps the tables, the functions operators call (sql/README.md, "The functions") and
-- effective_end; freezegate_private holds what they are built from (the rule checks, the paid-time
-- bookkeeping, the shared operation helpers) and the trigger functions. PUBLIC has no USAGE on it,
-- so no role but the owner and freezegate_ops can reach a helper, whatever EXECUTE says (PostgreSQL
-- grants EXECUTE to PUBLIC on every new function; the repeatable files revoke it as well).
--
-- The helpers lose the leading '_' that marked them internal: the schema says it now. They are
-- moved (ALTER FUNCTION ... SET SCHEMA), not recreated, so the triggers and the check constraint
-- tenants_time_zone_known that use them keep pointing at them, and so do their privileges. Their
-- bodies, and the public functions calling them, are replaced by the repeatable files, which
-- `migrate` applies right after this file.

CREATE SCHEMA freezegate_private;
COMMENT ON SCHEMA freezegate_private IS
    'FreezeGate internals: the helpers of the functions of schema freezegate and the trigger functions (see sql/README.md).';
REVOKE ALL ON SCHEMA freezegate_private FROM PUBLIC;
GRANT USAGE ON SCHEMA freezegate_private TO freezegate_ops;
ALTER DEFAULT PRIVILEGES IN SCHEMA freezegate_private GRANT EXECUTE ON FUNCTIONS TO freezegate_ops;

ALTER FUNCTION freezegate._begin_operation(text) SET SCHEMA freezegate_private;
ALTER FUNCTION freezegate_private._begin_operation(text) RENAME TO begin_operation;
ALTER FUNCTION freezegate._end_operation(text) SET SCHEMA freezegate_private;
ALTER FUNCTION freezegate_private._end_operation(text) RENAME TO end_operation;
ALTER FUNCTION freezegate._lock_tenant(text) SET SCHEMA freezegate_private;
ALTER FUNCTION freezegate_private._lock_tenant(text) RENAME TO lock_tenant;
ALTER FUNCTION freezegate._require_instant(timestamptz, text) SET SCHEMA freezegate_private;
ALTER FUNCTION freezegate_private._require_instant(timestamptz, text) RENAME TO require_instant;
ALTER FUNCTION freezegate._instant_text(timestamptz) SET SCHEMA freezegate_private;
ALTER FUNCTION freezegate_private._instant_text(timestamptz) RENAME TO instant_text;
ALTER FUNCTION freezegate._duration_text(interval) SET SCHEMA freezegate_private;
ALTER FUNCTION freezegate_private._duration_text(interval) RENAME TO duration_text;
ALTER FUNCTION freezegate._running_freeze(text, timestamptz) SET SCHEMA freezegate_private;
ALTER FUNCTION freezegate_private._running_freeze(text, timestamptz) RENAME TO running_freeze;
ALTER FUNCTION freezegate._keeps_paid_time(timestamptz, timestamptz) SET SCHEMA freezegate_private;
ALTER FUNCTION freezegate_private._keeps_paid_time(timestamptz, timestamptz) RENAME TO keeps_paid_time;
ALTER FUNCTION freezegate._paid_base_end(text, timestamptz, timestamptz) SET SCHEMA freezegate_private;
ALTER FUNCTION freezegate_private._paid_base_end(text, timestamptz, timestamptz) RENAME TO paid_base_end;
ALTER FUNCTION freezegate._settle_paid_period(text, timestamptz, timestamptz) SET SCHEMA freezegate_private;
ALTER FUNCTION freezegate_private._settle_paid_period(text, timestamptz, timestamptz) RENAME TO settle_paid_period;
ALTER FUNCTION freezegate._check_rule_3(text, timestamptz, timestamptz) SET SCHEMA freezegate_private;
ALTER FUNCTION freezegate_private._check_rule_3(text, timestamptz, timestamptz) RENAME TO check_rule_3;
ALTER FUNCTION freezegate._check_rule_6(text, timestamptz, timestamptz, timestamptz) SET SCHEMA freezegate_private;
ALTER FUNCTION freezegate_private._check_rule_6(text, timestamptz, timestamptz, timestamptz) RENAME TO check_rule_6;
ALTER FUNCTION freezegate._paid_time_left(text, timestamptz, timestamptz, timestamptz) SET SCHEMA freezegate_private;
ALTER FUNCTION freezegate_private._paid_time_left(text, timestamptz, timestamptz, timestamptz) RENAME TO paid_time_left;
ALTER FUNCTION freezegate._same_email(text, text) SET SCHEMA freezegate_private;
ALTER FUNCTION freezegate_private._same_email(text, text) RENAME TO same_email;
ALTER FUNCTION freezegate._settle_released_freeze(freezegate.freezes, timestamptz) SET SCHEMA freezegate_private;
ALTER FUNCTION freezegate_private._settle_released_freeze(freezegate.freezes, timestamptz) RENAME TO settle_released_freeze;
ALTER FUNCTION freezegate._is_time_zone(text) SET SCHEMA freezegate_private;
ALTER FUNCTION freezegate_private._is_time_zone(text) RENAME TO is_time_zone;
ALTER FUNCTION freezegate._mail_period(date, date, text, timestamptz) SET SCHEMA freezegate_private;
ALTER FUNCTION freezegate_private._mail_period(date, date, text, timestamptz) RENAME TO mail_period;
ALTER FUNCTION freezegate.audit_and_notify() SET SCHEMA freezegate_private;
ALTER FUNCTION freezegate.audit_and_notify_truncate() SET SCHEMA freezegate_private;
ALTER FUNCTION freezegate.freezes_cancelled_keeps_nothing() SET SCHEMA freezegate_private;
ALTER FUNCTION freezegate.freezes_settle_after_dml() SET SCHEMA freezegate_private;
