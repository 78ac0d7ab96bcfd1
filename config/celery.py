"""The Celery application. Tasks live in each app's tasks.py (and in each support domain's)
and are found automatically: a worker needs no other module imported to know them."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("mutua")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Support is one app of several domains; autodiscovery looks for <package>.tasks in each.
app.autodiscover_tasks(["support.cases", "support.moderation", "support.insights"])
