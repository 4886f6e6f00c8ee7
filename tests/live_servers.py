"""Real server processes for the tests: gunicorn app servers and `flask … jobs worker`.

The in-process test client shares one Python process, one limiter object and one
engine between "servers", so it cannot show what production relies on: that
separate processes agree through PostgreSQL and Redis alone. These helpers start
the real thing the way docs/deployment.md does (gunicorn with
lookup_site.gunicorn_conf), on free localhost ports, each logging to a file whose
tail goes into any failing assertion's message.
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
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

# How long a server may take to answer /healthz: importing the app and its first
# database connection take a second or two on a busy two-core machine.
START_TIMEOUT = 30.0
# A server's workers finish their request and exit at once on SIGINT; on a busy machine
# the interpreters' teardown can take seconds more, which no test needs to wait for.
STOP_TIMEOUT = 3.0
LOG_TAIL = 4000


def free_port() -> int:
    """A localhost port nobody listens on now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def app_spec(overrides: Mapping[str, object]) -> str:
    """The app factory call, with config the environment cannot carry (JOBS_QUEUE,
    RATELIMIT_KEY_PREFIX), in the literal form gunicorn and `flask --app` accept."""
    return f"lookup_site:create_app({dict(overrides)!r})"


def tail(path: Path, limit: int = LOG_TAIL) -> str:
    """The end of a log file, for an assertion message."""
    try:
        text = path.read_text(errors="replace")
    except FileNotFoundError:
        return "(no log)"
    return text[-limit:]


@dataclass
class LiveServer:
    """A gunicorn master (and its workers) serving the app on one port."""

    name: str
    port: int
    log: Path
    process: subprocess.Popen = field(repr=False)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def logs(self) -> str:
        return f"--- {self.name} ({self.url}) log ---\n{tail(self.log)}"

    def stop(self) -> None:
        """Ask the master for a quick shutdown (SIGINT: no graceful wait for requests,
        none are left), then KILL the group if it lingers."""
        stop_process_group(self.process, signal.SIGINT)


def stop_process_group(process: subprocess.Popen, sig: signal.Signals = signal.SIGTERM) -> None:
    """End a process started in its own session, and every child it left."""
    if process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            pass
    try:
        os.killpg(process.pid, signal.SIGKILL)  # its own group: workers a dying master left
    except (ProcessLookupError, PermissionError):
        pass
    process.wait()


def launch_gunicorn(
    name: str, spec: str, env: Mapping[str, str], log: Path, workers: int = 1
) -> LiveServer:
    """Start `gunicorn -c python:lookup_site.gunicorn_conf SPEC` on a free port, in a
    process group of its own; wait_until_healthy then says when it serves."""
    port = free_port()
    server_env = {**env, "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": str(workers)}
    command = [sys.executable, "-m", "gunicorn", "-c", "python:lookup_site.gunicorn_conf", spec]
    with log.open("wb") as out:
        process = subprocess.Popen(
            command,
            env=server_env,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    return LiveServer(name, port, log, process)


def stop_all(servers: list[LiveServer]) -> None:
    """Signal every server first, then wait for each: the shutdowns overlap."""
    for server in servers:
        if server.process.poll() is None:
            server.process.send_signal(signal.SIGINT)
    for server in servers:
        server.stop()


def wait_until_healthy(server: LiveServer, timeout: float = START_TIMEOUT) -> None:
    """Poll /healthz until it answers 200; fail at once, with the log, if gunicorn exits."""
    deadline = time.monotonic() + timeout
    last_error = "no answer yet"
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise AssertionError(
                f"{server.name} exited with {server.process.returncode} while starting\n"
                + server.logs()
            )
        try:
            with urllib.request.urlopen(server.url + "/healthz", timeout=2) as answer:
                if answer.status == 200:
                    return
                last_error = f"status {answer.status}"
        except (urllib.error.URLError, ConnectionError, TimeoutError) as error:
            last_error = repr(error)
        time.sleep(0.1)
    raise AssertionError(
        f"{server.name} did not answer /healthz within {timeout:.0f} s ({last_error})\n"
        + server.logs()
    )


def run_flask(
    spec: str, args: list[str], env: Mapping[str, str], log: Path, timeout: float = 60
) -> subprocess.CompletedProcess:
    """Run `flask --app SPEC ARGS…` to its end (a burst worker, a CLI task), logging
    to a file; a run that outlives the timeout is killed with its children."""
    command = [sys.executable, "-m", "flask", "--app", spec, *args]
    with log.open("wb") as out:
        process = subprocess.Popen(
            command,
            env=dict(env),
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            stop_process_group(process)
            raise AssertionError(
                f"`flask {' '.join(args)}` ran over {timeout:.0f} s\n{tail(log)}"
            ) from None
    return subprocess.CompletedProcess(command, process.returncode)
