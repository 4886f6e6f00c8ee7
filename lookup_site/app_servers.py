"""Start real servers for the commands that measure the site (http-benchmark, soak).

gunicorn with the production settings (``lookup_site.gunicorn_conf``) on a free
loopback port, or any other server (nginx), waited for until it answers and stopped,
with all its workers, when the measurement is over.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

# A worker builds its own app (preload_app is off): seconds on a loaded 2-core machine.
START_SECONDS = 180.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as answer:
            return answer.status < 500
    except urllib.error.HTTPError as error:
        return error.code < 500
    except OSError:
        return False


@contextmanager
def running(command: list[str], env: dict[str, str], log: Path, probe: str) -> Iterator[None]:
    """Run ``command`` until the block ends; enter the block once ``probe`` answers."""
    with log.open("wb") as output:
        process = subprocess.Popen(
            command, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        give_up = time.monotonic() + START_SECONDS
        while not _answers(probe):
            if process.poll() is not None or time.monotonic() > give_up:
                tail = log.read_text(errors="replace")[-3000:]
                raise click.ClickException(f"{command[0]} did not start (log {log}):\n{tail}")
            time.sleep(0.2)
        yield
    finally:
        if process.poll() is None:
            # Graceful: a worker finishes its request and writes its access-log line (a
            # quick shutdown could lose the last line, which the soak's report counts).
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=35)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


@contextmanager
def gunicorn(
    app_spec: str, env: dict[str, str], log: Path, probe_path: str = "/healthz"
) -> Iterator[str]:
    """gunicorn serving ``app_spec`` with the production settings; yields its base URL."""
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "-c",
        "python:lookup_site.gunicorn_conf",
        app_spec,
    ]
    env = {**env, "GUNICORN_BIND": f"127.0.0.1:{port}"}
    env.pop("FLASK_DEBUG", None)
    with running(command, env, log, base_url + probe_path):
        yield base_url
