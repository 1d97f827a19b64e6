# syntax=docker/dockerfile:1
# Production image for the student care system: gunicorn (web), celery worker and celery beat
# all run from this image (see docker-compose.yml).
FROM python:3.11-slim-bookworm

# PYTHONPATH: run the project from the source tree in /app for every entry point (manage.py,
# gunicorn, celery). templates/, static/, locale/ and the apps' templates live there; the wheel
# installed by `pip install .` holds only the Python modules, and settings.BASE_DIR must be /app.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONPATH=/app

# WeasyPrint runtime (Pango, HarfBuzz subsetting), Thai line breaking (libthai + its
# dictionary), Thai fonts, gettext for compilemessages, and pg_dump/pg_restore (version 15,
# as the database) for `manage.py backup` and `restore`.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 \
        libpangoft2-1.0-0 \
        libharfbuzz-subset0 \
        libthai0 \
        libthai-data \
        fonts-thai-tlwg \
        gettext \
        postgresql-client \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# Dependencies first (from pyproject.toml [project].dependencies) so that code changes do not
# reinstall them.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > /tmp/requirements.txt \
    && pip install --no-cache-dir -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

COPY . .
RUN pip install --no-cache-dir .

# Compile the Thai catalogue and collect the static files with the production storage (the
# manifest of hashed names that DEBUG=false serves). The same script runs in the production
# stage of CI and in tests/test_build.py.
RUN SECRET_KEY=build-only DJANGO_SETTINGS_MODULE=carecore.settings sh deploy/build.sh

# Unprivileged user; the code stays root-owned (read-only for the app), only the media
# directory (a volume in docker-compose.yml) is writable.
RUN groupadd --system app \
    && useradd --system --gid app --create-home --home-dir /home/app app \
    && mkdir -p /data/media /data/backups \
    && chown app:app /data/media /data/backups
ENV MEDIA_ROOT=/data/media
USER app

EXPOSE 8000
CMD ["gunicorn", "carecore.wsgi:application", "--config", "deploy/gunicorn.conf.py"]
