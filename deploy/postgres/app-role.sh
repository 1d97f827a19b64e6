#!/bin/sh
# The application's database role (carecore/dbroles.py, docs/operations.md "Database roles").
#
# docker-compose.yml mounts this file into the postgres image's /docker-entrypoint-initdb.d/,
# which runs it once, when the data volume is empty, as POSTGRES_USER (the owner of the tables).
# deploy/stage.sh runs it the same way against the stage database. It only creates the login
# role (or sets its password again): the grants come from `manage.py migrate`, which runs as the
# owner and then gives this role exactly what the application needs.
#
# Environment: POSTGRES_USER, POSTGRES_DB (as the postgres image sets them) and
# CARECARE_APP_PASSWORD; CARECARE_APP_USER defaults to carecare_app.
set -eu
app_user=${CARECARE_APP_USER:-carecare_app}
psql -v ON_ERROR_STOP=1 --no-psqlrc --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  --set app_user="$app_user" --set app_password="${CARECARE_APP_PASSWORD:?set CARECARE_APP_PASSWORD}" <<'SQL'
SELECT format('CREATE ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD %L',
              :'app_user', :'app_password')
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'app_user') \gexec
SELECT format('ALTER ROLE %I LOGIN PASSWORD %L', :'app_user', :'app_password') \gexec
SQL
