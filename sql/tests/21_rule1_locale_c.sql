-- Rule 1 in a database whose LC_CTYPE is C: lower() alone folds ASCII only; the comparison does not
-- depend on the database's locale.
-- create-database-with: TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C'
SELECT fg_test.expect_eq(current_setting('lc_ctype'), 'C', 'LC_CTYPE');
\ir rule1_case_folding.inc
