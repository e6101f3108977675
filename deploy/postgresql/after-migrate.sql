-- After each `manage.py migrate` run by the owner: the application role may not delete audit events, even in
-- raw SQL (the append-only triggers refuse it too; this is a second lock). Run as a superuser:
--   psql -d appui -f deploy/postgresql/after-migrate.sql
\connect appui
REVOKE DELETE, TRUNCATE ON audit_auditevent FROM appui_app;
REVOKE TRUNCATE ON audit_auditchainhead, audit_auditretention FROM appui_app;
