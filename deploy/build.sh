#!/bin/sh
# The image's build steps after `pip install .` (Dockerfile), run the same way by the production
# stage (deploy/stage.sh) and by tests/test_build.py in a clean clone: compile the Thai
# catalogue, then collect the static files into STATIC_ROOT with the production storage
# (hashed names, a manifest, gzip and Brotli copies). Needs SECRET_KEY (any value) and
# DJANGO_SETTINGS_MODULE=carecore.settings with DEBUG unset, exactly as the image builds.
set -eu
cd "$(dirname "$0")/.."
python manage.py compilemessages --ignore=.venv --ignore=node_modules -v0
python manage.py collectstatic --noinput --clear -v0
python -c "
import json, pathlib
from django.conf import settings
import django; django.setup()
manifest = pathlib.Path(settings.STATIC_ROOT) / 'staticfiles.json'
paths = json.loads(manifest.read_text())['paths']
print(f'static manifest: {len(paths)} files in {settings.STATIC_ROOT}')
"
