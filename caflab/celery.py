"""The Celery application: Redis broker in production, eager in the embedded default."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caflab.settings")

app = Celery("caflab")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
