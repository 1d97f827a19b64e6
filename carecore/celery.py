import os

from celery import Celery

from carecore.logs import connect_celery_signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carecore.settings")

app = Celery("carecore")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Every log line of a job carries its task id as request id (carecore/logs.py).
connect_celery_signals()
