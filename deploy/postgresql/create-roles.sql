-- Appui on PostgreSQL: an owner role that runs the migrations, and the application role the server uses.
--
-- The application role owns nothing and is not a superuser: the audit table's triggers (append only) cannot be
-- disabled with it, and it cannot change the schema. Run as a superuser, with psql variables for the passwords:
--
--   psql -v owner_password="'…'" -v app_password="'…'" -f deploy/postgresql/create-roles.sql
--
-- Then migrate as the owner (DATABASE_URL=postgres://appui_owner:…@…/appui manage.py migrate) and serve as
-- appui_app (deploy/appui.env.example). Default privileges below give appui_app its rights on every table that
-- later migrations create.

CREATE ROLE appui_owner LOGIN PASSWORD :owner_password NOSUPERUSER NOCREATEDB NOCREATEROLE;
CREATE ROLE appui_app LOGIN PASSWORD :app_password NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT;

CREATE DATABASE appui OWNER appui_owner ENCODING 'UTF8' TEMPLATE template0;
\connect appui

-- Nobody but the owner creates objects in the public schema.
REVOKE ALL ON SCHEMA public FROM PUBLIC;
ALTER SCHEMA public OWNER TO appui_owner;
GRANT USAGE ON SCHEMA public TO appui_app;

-- Person search uses trigram indexes (pg_trgm); the extension is created here, by a superuser.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- Rights of the application role on what exists now…
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO appui_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO appui_app;
-- …and on every table and sequence the owner creates later (migrations).
ALTER DEFAULT PRIVILEGES FOR ROLE appui_owner IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO appui_app;
ALTER DEFAULT PRIVILEGES FOR ROLE appui_owner IN SCHEMA public
    GRANT USAGE, SELECT ON SEQUENCES TO appui_app;
