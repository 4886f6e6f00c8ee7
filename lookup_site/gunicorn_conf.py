"""Gunicorn settings for production: ``gunicorn -c python:lookup_site.gunicorn_conf
'lookup_site:create_app()'``.

Every value can be overridden from the environment (GUNICORN_WORKERS, …) or the
command line. The site is CPU-bound Python behind nginx (which buffers slow phones),
so plain sync workers, one per core plus one, are the right shape; background jobs
and shared rate limits live in Redis (JOBS_BACKEND=rq, RATELIMIT_STORAGE_URI), so
any number of such servers can run side by side. See docs/deployment.md.
"""

from __future__ import annotations

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() + 1))
worker_class = "sync"
# nginx buffers requests and answers, so a worker is never held by a slow phone;
# a stuck request (a database outage) is killed after this many seconds.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then, so that a slow leak can never build up — but rarely: a new
# worker builds the app again and starts with an empty page cache (at 1,000 pages a
# second, 5,000 requests would recycle each worker every few seconds).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 100_000))
max_requests_jitter = max_requests // 10
# Each worker creates its own app, so no database connection is ever shared across
# a fork (the start-up cost is paid once per worker, at start).
preload_app = False
# Logs to stdout/stderr for the service manager; the access log says how long each
# request took (%(M)s ms) for monitoring. No client address (%(h)s): shoppers are
# promised that nothing personal is kept, logs included.
accesslog = "-"
errorlog = "-"
access_log_format = '"%(r)s" %(s)s %(B)s %(M)sms "%(a)s"'
if os.environ.get("LOG_FORMAT") == "json":
    # Production: gunicorn's own lines in the app's JSON format (lookup_site/logs.py), on
    # stderr with the app's. Its access log is off: the app writes one JSON access line per
    # request, with the request id and the duration, and without the client's address.
    accesslog = None
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "lookup_site.logs.JsonFormatter"}},
        "handlers": {"json": {"()": "lookup_site.logs.JsonLogHandler", "formatter": "json"}},
        "root": {"level": "WARNING", "handlers": ["json"]},
        "loggers": {
            # Its level stays gunicorn's --log-level (info by default).
            "gunicorn.error": {"handlers": [], "propagate": True},
            "gunicorn.access": {"level": "INFO", "handlers": [], "propagate": False},
        },
    }
# gunicorn's control socket defaults to one path per user (~/.gunicorn/gunicorn.ctl),
# which several app servers on one machine would fight over; nothing here uses it.
control_socket_disable = True
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
