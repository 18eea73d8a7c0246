-- Rule 1 in a database whose locale is C.UTF-8.
-- create-database-with: TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C.UTF-8'
SELECT fg_test.expect_eq(current_setting('lc_ctype'), 'C.UTF-8', 'LC_CTYPE');
\ir rule1_case_folding.inc
