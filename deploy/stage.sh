#!/usr/bin/env bash
# The production stage: the stack that docker-compose.yml describes, run as processes on this
# machine (no Docker engine needed), then the journeys that matter through it over HTTPS.
#
#   nginx (TLS, self-signed certificate for localhost) -> gunicorn -> PostgreSQL
#   Celery worker and Celery beat on Redis; DEBUG=false; static files from the manifest that
#   deploy/build.sh builds exactly as the image does; the production settings unchanged.
#
# Then: tests/stage (phone home visit with a photo, the district PDF report with its progress,
# the school report, the wrong-code throttle behind the proxy, TLS and headers), and /healthz/
# answering 503 once the worker is stopped.
#
# `make stage` runs it; .ci/run runs it after the test suite. It needs PostgreSQL and Redis on
# 127.0.0.1 (.ci/run starts them), nginx, openssl, curl, Chromium and the venv (`make install`).
# Leaves nothing running; STAGE_KEEP=1 keeps its folder (logs, PDFs) for a look afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

HTTPS_PORT=${STAGE_HTTPS_PORT:-8443}
HTTP_PORT=${STAGE_HTTP_PORT:-8080}
APP_PORT=${STAGE_APP_PORT:-8001}
DB_NAME=${STAGE_DB:-carecare_stage}
PG=${STAGE_PG:-postgres://postgres@127.0.0.1:5432}
STAGE=$(mktemp -d /tmp/carecare-stage.XXXXXX)
mkdir -p "$STAGE/logs" "$STAGE/media" "$STAGE/nginx"
pids=()

log() { printf '== stage: %s\n' "$*"; }

cleanup() {
  status=$?
  for pid in "${pids[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  if ((status != 0)); then
    for f in "$STAGE"/logs/*.log; do
      echo "---- $(basename "$f") (last 60 lines)"
      tail -n 60 "$f" || true
    done
  fi
  if [[ -z "${STAGE_KEEP:-}" ]]; then rm -rf "$STAGE"; else echo "stage folder kept: $STAGE"; fi
  exit "$status"
}
trap cleanup EXIT

# --- the environment of docker-compose.yml's app services, with this machine's addresses -----
# Nothing of the caller's environment leaks in: every variable the settings read is set here.
for name in $(env | sed -n 's/^\([A-Z_]*\)=.*/\1/p'); do
  case "$name" in
    DATABASE_URL* | CELERY_* | CACHE_URL* | SECRET_KEY* | ALLOWED_HOSTS | CSRF_TRUSTED_ORIGINS | \
      DATABASE_OWNER_URL* | \
      DEBUG | SECURE_* | SESSION_* | EMAIL_* | SITE_URL | MEDIA_ROOT | STATIC_ROOT | \
      TRUSTED_PROXIES | SENTRY_* | DJANGO_SETTINGS_MODULE | LOG_LEVEL | ADMINS) unset "$name" ;;
  esac
done
export PATH="$ROOT/.venv/bin:$PATH"
export DJANGO_SETTINGS_MODULE=carecore.settings
export DEBUG=false
SECRET_KEY=$(openssl rand -hex 32)
export SECRET_KEY
# Two database roles, as in docker-compose.yml (docs/operations.md, "Database roles"): the
# stack connects as the application's role APP_ROLE (created below with the compose db service's
# deploy/postgres/app-role.sh); only migrate gets the owner's URL (PG's user owns the tables).
APP_ROLE=${STAGE_APP_ROLE:-carecare_app}
APP_PASSWORD=$(openssl rand -hex 16)
OWNER_URL="$PG/$DB_NAME"
export DATABASE_URL
DATABASE_URL=$(printf '%s' "$OWNER_URL" | sed -E "s#^([a-z]+://)[^@/]*@#\1$APP_ROLE:$APP_PASSWORD@#")
export CELERY_BROKER_URL=redis://127.0.0.1:6379/10
export CACHE_URL=redis://127.0.0.1:6379/11
export CELERY_QUEUE=carecare-stage
export ALLOWED_HOSTS=localhost
export CSRF_TRUSTED_ORIGINS="https://localhost:$HTTPS_PORT"
export SITE_URL="https://localhost:$HTTPS_PORT"
export TRUSTED_PROXIES=127.0.0.1,::1
export STATIC_ROOT="$STAGE/static"
export MEDIA_ROOT="$STAGE/media"
export LOG_LEVEL=INFO

log "build (deploy/build.sh, as the Dockerfile runs it)"
sh deploy/build.sh

log "database $DB_NAME and Redis databases 10 and 11"
psql "$PG/postgres" -q -v ON_ERROR_STOP=1 \
  -c "DROP DATABASE IF EXISTS $DB_NAME WITH (FORCE)" -c "CREATE DATABASE $DB_NAME"
redis-cli -n 10 flushdb >/dev/null
redis-cli -n 11 flushdb >/dev/null
# The app role, as the db service's init script makes it; then migrate as the owner (which
# sets the app role's grants), and seed as the app role, as the stack will write.
POSTGRES_USER=$(printf '%s' "$PG" | sed -E 's#^[a-z]+://([^:@/]*).*#\1#') \
  POSTGRES_DB="$OWNER_URL" CARECARE_APP_USER="$APP_ROLE" CARECARE_APP_PASSWORD="$APP_PASSWORD" \
  sh deploy/postgres/app-role.sh >/dev/null
DATABASE_OWNER_URL="$OWNER_URL" python manage.py migrate --noinput -v0
python manage.py seed_demo --password demo-2568 >"$STAGE/logs/seed.log" 2>&1

log "certificate for localhost"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=localhost" \
  -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
  -keyout "$STAGE/tls.key" -out "$STAGE/tls.crt" 2>/dev/null

log "nginx (deploy/nginx/carecare.conf.template)"
export CARECARE_SERVER_NAME=localhost
export CARECARE_UPSTREAM="127.0.0.1:$APP_PORT"
export CARECARE_HTTPS_LISTEN="127.0.0.1:$HTTPS_PORT"
export CARECARE_HTTP_LISTEN="127.0.0.1:$HTTP_PORT"
export CARECARE_HTTPS_ORIGIN="https://\$host:$HTTPS_PORT"
export CARECARE_TLS_CERT="$STAGE/tls.crt"
export CARECARE_TLS_KEY="$STAGE/tls.key"
export CARECARE_ACCESS_LOG="$STAGE/logs/proxy-access.log"
# shellcheck disable=SC2016  # the names, not their values: envsubst fills only these
envsubst '$CARECARE_SERVER_NAME $CARECARE_UPSTREAM $CARECARE_HTTPS_LISTEN $CARECARE_HTTP_LISTEN
  $CARECARE_HTTPS_ORIGIN $CARECARE_TLS_CERT $CARECARE_TLS_KEY $CARECARE_ACCESS_LOG' \
  <deploy/nginx/carecare.conf.template >"$STAGE/nginx/carecare.conf"
cat >"$STAGE/nginx/nginx.conf" <<EOF
# The nginx image's main configuration, reduced to what the stage needs.
worker_processes 1;
pid $STAGE/nginx/nginx.pid;
error_log $STAGE/logs/proxy-error.log warn;
events { worker_connections 256; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    client_body_temp_path $STAGE/nginx/body;
    proxy_temp_path $STAGE/nginx/proxy;
    fastcgi_temp_path $STAGE/nginx/fastcgi;
    uwsgi_temp_path $STAGE/nginx/uwsgi;
    scgi_temp_path $STAGE/nginx/scgi;
    include $STAGE/nginx/carecare.conf;
}
EOF
chmod -R a+rX "$STAGE"
nginx -t -q -p "$STAGE/nginx" -c "$STAGE/nginx/nginx.conf"

log "start gunicorn, the worker, beat and nginx"
GUNICORN_BIND="127.0.0.1:$APP_PORT" GUNICORN_WORKERS=2 \
  gunicorn carecore.wsgi:application --config deploy/gunicorn.conf.py \
  >"$STAGE/logs/web.log" 2>&1 &
pids+=($!)
celery -A carecore worker --loglevel=INFO --concurrency=1 >"$STAGE/logs/worker.log" 2>&1 &
worker_pid=$!
pids+=("$worker_pid")
celery -A carecore beat --loglevel=INFO --schedule="$STAGE/celerybeat-schedule" \
  >"$STAGE/logs/beat.log" 2>&1 &
pids+=($!)
nginx -p "$STAGE/nginx" -c "$STAGE/nginx/nginx.conf" -g "daemon off;" &
pids+=($!)

HEALTH="https://localhost:$HTTPS_PORT/healthz/"
for _ in $(seq 1 120); do
  if curl -fsk "$HEALTH" >/dev/null 2>&1; then break; fi
  sleep 0.5
done
curl -fsSk "$HEALTH"
echo

log "journeys through https://localhost:$HTTPS_PORT/"
STAGE_URL="https://localhost:$HTTPS_PORT" STAGE_HTTP_URL="http://localhost:$HTTP_PORT" \
  STAGE_LOGS="$STAGE/logs" DJANGO_SETTINGS_MODULE=carecore.settings_test \
  pytest tests/stage -p no:cacheprovider -q

log "the audit log: the app role cannot empty it, downloads and photos are in it, chain intact"
if psql "$DATABASE_URL" -q -c "TRUNCATE carecore_auditevent" 2>/dev/null; then
  echo "the application role could TRUNCATE the audit log"
  exit 1
fi
logged=$(psql "$DATABASE_URL" -Atc "SELECT count(DISTINCT object_type) FROM carecore_auditevent
  WHERE object_type IN ('visitphoto', 'generatedfile')")
if [[ "$logged" != 2 ]]; then
  echo "expected audit entries of the photo views and the downloads"
  exit 1
fi
python manage.py audit_verify

log "/healthz/ with the worker stopped"
kill -TERM "$worker_pid"
wait "$worker_pid" || true
code=$(curl -sk -o "$STAGE/health.json" -w '%{http_code}' "$HEALTH")
cat "$STAGE/health.json"
echo
if [[ "$code" != 503 ]] || ! grep -q '"failed": \["worker"\]' "$STAGE/health.json"; then
  echo "expected 503 naming the worker, got $code"
  exit 1
fi
log "passed"
