-- Rule 1 in a SQL_ASCII database (bytes without a character set): ASCII letters are folded, and
-- other bytes must match exactly; never a raw error.
-- create-database-with: TEMPLATE template0 ENCODING 'SQL_ASCII' LOCALE 'C'
SELECT freezegate.create_tenant('acme', 'Owner@Acme.Example', '2031-12-31Z', '2031-01-01Z');
SELECT freezegate.request_freeze('acme', '2031-02-01Z', '2031-03-03Z', 'OWNER@acme.example', false, '2031-01-01Z');
SELECT freezegate.create_tenant('arzt', 'Ärzte@schule.de', '2031-12-31Z', '2031-01-01Z');
SELECT freezegate.request_freeze('arzt', '2031-02-01Z', '2031-03-03Z', 'Ärzte@SCHULE.de', false, '2031-01-01Z');
SELECT fg_test.expect_error($$SELECT freezegate.request_freeze('arzt', '2031-06-01Z', '2031-07-01Z', 'ärzte@schule.de', false, '2031-01-01Z')$$, 'FG001');
