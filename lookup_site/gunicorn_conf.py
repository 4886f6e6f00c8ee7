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
# Recycle workers now and then, so that a slow leak can never build up.
max_requests = 5000
max_requests_jitter = 500
# Each worker creates its own app, so no database connection is ever shared across
# a fork (the start-up cost is paid once per worker, at start).
preload_app = False
# Logs to stdout/stderr for the service manager; the access log says how long each
# request took (%(M)s ms) for monitoring.
accesslog = "-"
errorlog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(B)s %(M)sms "%(a)s"'
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
