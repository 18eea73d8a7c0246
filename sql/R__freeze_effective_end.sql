-- A freeze's effective end: when unfreeze ended it early, ended_at; else its planned ends_at. Every
-- function and view reads it here, so its window is [starts_at, effective_end(f)) everywhere (the
-- exclusion constraint freezes_no_overlap of the freezes table spells the same expression, as a
-- constraint must).
--
-- A plain SQL function (no SET clause, IMMUTABLE), so the planner inlines it: a query that calls
-- it runs as if it had written coalesce(f.ended_at, f.ends_at). This file's name sorts before the
-- files whose SQL functions call it, which need it to exist when they are created.

CREATE OR REPLACE FUNCTION freezegate.effective_end(f freezegate.freezes) RETURNS timestamptz
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT coalesce(f.ended_at, f.ends_at)
$$;

COMMENT ON FUNCTION freezegate.effective_end(freezegate.freezes) IS
    'When a freeze ends: ended_at after an early unfreeze, else ends_at.';
