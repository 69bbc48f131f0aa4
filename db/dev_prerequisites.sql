-- ============================================================================================
-- DEVELOPMENT ONLY. NEVER RUN THIS IN PRODUCTION.
-- ============================================================================================
-- Stand-ins for the existing beast_insights_v2 tables that output/report_builder_schema.sql
-- refers to, so that the schema and the seed apply to an empty development database:
--
--   beast_insights_v2.users(id VARCHAR)           saved_views, dashboards, ... reference it
--   beast_insights_v2.clients(id BIGINT)          every per-client table references it
--   beast_insights_v2.client_features(client_id)  the schema adds is_native_reports_enabled
--
-- The real tables have many more columns. In production they already exist and this file must
-- not be applied: it would fail anyway, on purpose, because CREATE SCHEMA below has no
-- IF NOT EXISTS and the production database has the schema beast_insights_v2.
--
-- Order on a fresh database (README, "From a fresh database to an applied catalog"):
--   psql -v ON_ERROR_STOP=1 -d DB -f db/dev_prerequisites.sql
--   psql -v ON_ERROR_STOP=1 -d DB -f output/report_builder_schema.sql
--   psql -v ON_ERROR_STOP=1 -d DB -f output/seed_catalog.sql

BEGIN;

CREATE SCHEMA beast_insights_v2;

CREATE TABLE beast_insights_v2.users (
    id VARCHAR PRIMARY KEY,
    email VARCHAR
);

CREATE TABLE beast_insights_v2.clients (
    id BIGINT PRIMARY KEY,
    name VARCHAR
);

CREATE TABLE beast_insights_v2.client_features (
    id BIGSERIAL PRIMARY KEY,
    client_id BIGINT REFERENCES beast_insights_v2.clients(id),
    is_dashboard_enabled BOOLEAN NOT NULL DEFAULT false
);

COMMIT;
