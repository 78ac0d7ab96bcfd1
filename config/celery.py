"""The Celery application. Tasks live in each app's tasks.py (and in each support domain's)
and are found automatically: a worker needs no other module imported to know them.

Delivery is at least once, so every task is idempotent (it marks what it did in the
transaction that does it): tasks are acknowledged after they run (task_acks_late), a task
whose worker died under it goes back to the queue (task_reject_on_worker_lost), and with
Redis a task reserved by a worker killed outright (SIGKILL, out of memory) is handed to
another after the broker's visibility timeout: minutes, not Celery's default hour
(config.env.celery_broker_config).
"""

import os
from typing import Any

from celery import Celery
from celery.signals import worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("mutua")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Support is one app of several domains; autodiscovery looks for <package>.tasks in each.
app.autodiscover_tasks(
    [
        "support.cases",
        "support.experts",
        "support.moderation",
        "support.insights",
        "support.satisfaction",
    ]
)


@worker_process_init.connect
def _own_database_pool(**_kwargs: Any) -> None:
    """Each worker child keeps its own pool of database connections.

    A child is forked from the worker's main process; a connection pool copied from the
    parent would share its sockets and has none of its maintenance threads. Forget any copy
    (without closing it: its connections belong to the parent); the child's first query
    opens a fresh pool.
    """
    try:
        from django.db.backends.postgresql.base import DatabaseWrapper
    except ImportError:  # pragma: no cover - no PostgreSQL driver, so no pool either
        return
    pools: dict[str, object] = getattr(DatabaseWrapper, "_connection_pools", {})
    pools.clear()
