-- Each freeze rule is its own function, check_rule_1 ... check_rule_6, which request_freeze calls:
-- called alone, each refuses exactly what its rule refuses, with the rule's SQLSTATE, and lets the
-- rest pass. A freeze's effective end is one function, effective_end. Both live in repeatable
-- files (R__freeze_rules.sql, R__freeze_effective_end.sql).
SELECT freezegate.create_tenant('acme', 'Owner@Acme.example', '2031-06-01Z', '2031-01-01Z');

-- Rule 1: the owner's e-mail, ignoring case.
SELECT freezegate_private.check_rule_1('acme', 'owner@acme.EXAMPLE', 'Owner@Acme.example');
SELECT fg_test.expect_error($$SELECT freezegate_private.check_rule_1('acme', 'teacher@acme.example', 'Owner@Acme.example')$$, 'FG001');

-- Rule 2: 30 days or more.
SELECT freezegate_private.check_rule_2('acme', '2031-02-01Z', '2031-03-03Z');
SELECT fg_test.expect_error($$SELECT freezegate_private.check_rule_2('acme', '2031-02-01Z', '2031-03-02 23:59:59Z')$$, 'FG002');

-- Rule 3: at most 90 days in a calendar year, counting the tenant's freezes.
SELECT freezegate.request_freeze('acme', '2031-02-01Z', '2031-04-02Z', 'owner@acme.example', false, '2031-01-01Z');  -- 60 days
SELECT freezegate_private.check_rule_3('acme', '2031-05-01Z', '2031-05-31Z');  -- 30 more: 90
SELECT fg_test.expect_error($$SELECT freezegate_private.check_rule_3('acme', '2031-05-01Z', '2031-05-31 00:00:01Z')$$, 'FG003');
-- across New Year only the part in 2031 counts against 2031
SELECT freezegate_private.check_rule_3('acme', '2031-12-02Z', '2032-02-01Z');

-- Rule 4: with fewer than 30 paid days left, not before paid_until; an inactive subscription is
-- rule 5's, not rule 4's.
SELECT freezegate_private.check_rule_4('acme', NULL, '2031-02-15Z', '2031-02-15Z', '2031-02-01Z');
SELECT fg_test.expect_error($$SELECT freezegate_private.check_rule_4('acme', NULL, '2031-02-15Z', '2031-02-14Z', '2031-02-01Z')$$, 'FG004');
SELECT freezegate_private.check_rule_4('acme', NULL, '2031-01-01Z', '2031-02-14Z', '2031-02-01Z');

-- Rule 5: no active subscription needs the month paid with the freeze.
SELECT freezegate_private.check_rule_5('acme', '2031-02-15Z', false, '2031-02-01Z');
SELECT freezegate_private.check_rule_5('acme', '2031-01-01Z', true, '2031-02-01Z');
SELECT fg_test.expect_error($$SELECT freezegate_private.check_rule_5('acme', '2031-02-01Z', false, '2031-02-01Z')$$, 'FG005');

-- Rule 6: not in the past, no overlap (back to back is fine).
SELECT freezegate_private.check_rule_6('acme', '2031-04-02Z', '2031-05-02Z', '2031-01-01Z');
SELECT fg_test.expect_error($$SELECT freezegate_private.check_rule_6('acme', '2031-04-01Z', '2031-05-02Z', '2031-01-01Z')$$, 'FG006');
SELECT fg_test.expect_error($$SELECT freezegate_private.check_rule_6('acme', '2030-12-31Z', '2031-01-31Z', '2031-01-01Z')$$, 'FG007');

-- The rule functions change nothing: one freeze, as requested above.
SELECT fg_test.expect_eq((SELECT count(*) FROM freezegate.freezes), 1::bigint, 'only the requested freeze');

-- The effective end: the planned end, or the unfreeze's instant.
SELECT fg_test.expect_eq((SELECT freezegate.effective_end(f) FROM freezegate.freezes AS f), '2031-04-02Z'::timestamptz, 'planned end');
SELECT freezegate.unfreeze('acme', '2031-03-10Z');
SELECT fg_test.expect_eq((SELECT freezegate.effective_end(f) FROM freezegate.freezes AS f), '2031-03-10Z'::timestamptz, 'unfrozen');
-- Inlined by the planner: the plan reads the columns, no function call remains (so the snapshot
-- costs what it cost with the expression written out).
-- expect-output: Output: COALESCE\((f\.)?ended_at, (f\.)?ends_at\)$
EXPLAIN (VERBOSE, COSTS OFF) SELECT freezegate.effective_end(f) FROM freezegate.freezes AS f;
