"""`flask --app lookup_site http-benchmark`: the lot page over HTTP, side by side.

The shopper's page is measured the way it is served in production (gunicorn with
``lookup_site.gunicorn_conf``, a load generator on loopback) next to two yardsticks
measured in the same run on the same machine: a minimal Flask "hello" app under the
same gunicorn settings, and the lot page's own HTML as a static file served by nginx.
Absolute figures depend on the machine; the ratios between them do not, which is
what the targets are about:

- the lot page's throughput is at least half the hello app's (measured twice: views
  spread over ``--lots`` lots with the page cache off, so every answer is rendered
  from the database; and ``--hot`` lots viewed over and over with the default
  configuration, where the per-process page cache of page_cache.py answers);
- the median rendered lot page on the big database (the app's own, ``--name``) is
  within 20% of the median on a small one (``--compare NAME=URL`` adds databases, each
  served by its own gunicorn);
- repeated lot views through nginx's micro-cache (docs/deployment.md) reach at least
  a third of nginx's static throughput.

Needs gunicorn (the ``production`` and ``test`` extras), ``nginx`` and ``wrk``
(``apt-get install nginx wrk``). Lots are drawn at random by probing ids, so the
sample costs no scan of a large table.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import subprocess
import tempfile
import urllib.request
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from . import app_servers, identifiers
from .models import Lot, Product

TOOLS = ("nginx", "wrk")


def hello_app() -> Flask:
    """The yardstick: the least a Flask app can do per request."""
    app = Flask("hello")

    @app.get("/")
    def hello() -> str:
        return "Hello, World!"

    return app


@dataclass(frozen=True)
class Result:
    name: str
    requests_per_second: float
    latency_ms: dict[str, float]  # "50%", "90%", "99%"
    errors: int
    transfer_per_request: float  # bytes


@dataclass(frozen=True)
class Target:
    label: str
    ratio: float
    bound: float
    met: bool


NGINX_CONF = """\
{user}worker_processes auto;
daemon off;
pid {root}/nginx.pid;
error_log {root}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {root}/body;
    proxy_temp_path {root}/proxy;
    fastcgi_temp_path {root}/fastcgi;
    uwsgi_temp_path {root}/uwsgi;
    scgi_temp_path {root}/scgi;
    default_type text/html;
    sendfile on;
    keepalive_requests 100000;

    # As docs/deployment.md: the micro-cache in front of the app servers.
    proxy_cache_path {root}/cache levels=1:2 keys_zone=txng:50m max_size=1g inactive=10m;
    upstream txng_app {{
        server 127.0.0.1:{app_port};
        keepalive 32;
    }}
    server {{
        listen 127.0.0.1:{static_port};
        root {root}/static;
    }}
    server {{
        listen 127.0.0.1:{cache_port};
        location / {{
            proxy_pass http://txng_app;
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_set_header X-Request-ID $request_id;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_cache txng;
            proxy_cache_key "$scheme$host$request_uri$http_accept_language$cookie_lang$http_accept";
            proxy_cache_bypass $cookie_session;
            proxy_no_cache $cookie_session;
            proxy_cache_background_update on;
            proxy_cache_use_stale updating error timeout http_500 http_502 http_503;
            proxy_cache_lock on;
        }}
    }}
}}
"""


def nginx(root: Path, app_port: int, static_port: int, cache_port: int):
    for folder in ("body", "proxy", "fastcgi", "uwsgi", "scgi", "cache"):
        (root / folder).mkdir(exist_ok=True)
    conf = root / "nginx.conf"
    # Workers run as the invoking user: root's default (nobody) could not read the
    # temporary folder.
    user = "user root;\n" if os.geteuid() == 0 else ""
    conf.write_text(
        NGINX_CONF.format(
            user=user,
            root=root,
            app_port=app_port,
            static_port=static_port,
            cache_port=cache_port,
        )
    )
    command = [shutil.which("nginx") or "nginx", "-p", str(root), "-c", str(conf)]
    return app_servers.running(
        command,
        dict(os.environ),
        root / "nginx.log",
        f"http://127.0.0.1:{static_port}/lot.html",
    )


def sample_lot_paths(database_url: str, count: int, seed: int) -> list[str]:
    """Paths of ``count`` lots drawn at random (ids probed, no full scan)."""
    engine = create_engine(database_url)
    rng = random.Random(seed)
    try:
        with Session(engine) as session:
            low, high = session.execute(select(func.min(Lot.id), func.max(Lot.id))).one()
            if low is None:
                raise click.ClickException(f"No lots in {engine.url!r}: run scale generate")
            found: dict[int, str] = {}
            for _ in range(50):
                wanted = {rng.randint(low, high) for _ in range(count * 2)}
                rows = session.execute(
                    select(Lot.id, Lot.code, Lot.public_code, Product.gtin)
                    .join(Product, Lot.product_id == Product.id)
                    .where(Lot.id.in_(wanted))
                )
                for lot_id, code, public_code, gtin in rows:
                    found[lot_id] = (
                        f"/01/{gtin}/10/{identifiers.percent_encode(code)}"
                        if gtin
                        else f"/t/{public_code}"
                    )
                if len(found) >= count:
                    break
            lots = session.scalar(select(func.count()).select_from(Lot))
    finally:
        engine.dispose()
    paths = sorted(found.values())[:count]
    rng.shuffle(paths)
    click.echo(f"  {engine.url.database}: {lots:,} lots, {len(paths):,} sampled")
    return paths


LUA = """\
local paths = {{{paths}}}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1], {{["Accept-Language"] = "vi"}})
end
"""

_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}
_NUMBER = r"([\d.]+)(us|ms|s)"


def parse_wrk(name: str, output: str) -> Result:
    """Read wrk's --latency report: requests/s, percentiles, errors, bytes per request."""
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    total = re.search(r"(\d+) requests in", output)
    volume = re.search(r"requests in [\d.]+\w+, ([\d.]+)([KMG]?B) read", output)
    if not (rate and total and volume):
        raise click.ClickException(f"Unexpected wrk output for {name}:\n{output}")
    latency = {}
    for percent in ("50%", "90%", "99%"):
        found = re.search(rf"\s{percent}\s+{_NUMBER}", output)
        latency[percent] = float(found.group(1)) * _UNITS[found.group(2)] if found else float("nan")
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", output))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors += int(non_2xx.group(1)) if non_2xx else 0
    scale = {"B": 1, "KB": 1024, "MB": 1024**2, "GB": 1024**3}[volume.group(2)]
    transfer = float(volume.group(1)) * scale / max(int(total.group(1)), 1)
    return Result(name, float(rate.group(1)), latency, errors, transfer)


def load(name: str, base: str, paths: list[str], work: Path, options: dict) -> Result:
    script = work / f"{re.sub(r'[^a-z0-9]+', '-', name.lower())}.lua"
    script.write_text(LUA.format(paths=", ".join(f'"{p}"' for p in paths)))
    wrk = [
        shutil.which("wrk") or "wrk",
        f"-t{options['threads']}",
        f"-c{options['connections']}",
        "--latency",
        "-s",
        str(script),
    ]
    # Warm up (workers' first requests, connection pools, the micro-cache's first fill).
    subprocess.run([*wrk, f"-d{options['warmup']}s", base], capture_output=True, check=True)
    done = subprocess.run(
        [*wrk, f"-d{options['seconds']}s", base], capture_output=True, text=True, check=True
    )
    result = parse_wrk(name, done.stdout)
    click.echo(
        f"  {name:<34} {result.requests_per_second:>9,.0f} req/s   "
        f"p50 {result.latency_ms['50%']:6.2f} ms  p90 {result.latency_ms['90%']:6.2f} ms  "
        f"p99 {result.latency_ms['99%']:6.2f} ms  errors {result.errors}"
    )
    return result


def targets(results: dict[str, Result], base: str, compare: list[str]) -> list[Target]:
    hello = results[HELLO].requests_per_second
    static = results[STATIC].requests_per_second
    repeated = results[repeated_row(base)].requests_per_second
    rendered = results[rendered_row(base)]
    found = [
        Target("repeated lot views / hello app", repeated / hello, 0.5, repeated >= 0.5 * hello),
        Target(
            "lot page rendered every time / hello app",
            rendered.requests_per_second / hello,
            0.5,
            rendered.requests_per_second >= 0.5 * hello,
        ),
        Target(
            "micro-cached lot views / nginx static",
            results[MICRO_CACHE].requests_per_second / static,
            1 / 3,
            results[MICRO_CACHE].requests_per_second >= static / 3,
        ),
    ]
    # The big database is the app's own (--name); each --compare database is a smaller one.
    for name in compare:
        ratio = rendered.latency_ms["50%"] / results[rendered_row(name)].latency_ms["50%"]
        found.append(Target(f"median rendered lot page, {base} / {name}", ratio, 1.2, ratio <= 1.2))
    return found


def markdown(results: dict[str, Result], found: list[Target]) -> str:
    lines = [
        "| served | req/s | p50 ms | p90 ms | p99 ms | errors | bytes/answer |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results.values():
        lines.append(
            f"| {r.name} | {r.requests_per_second:,.0f} | {r.latency_ms['50%']:.2f} | "
            f"{r.latency_ms['90%']:.2f} | {r.latency_ms['99%']:.2f} | {r.errors} | "
            f"{r.transfer_per_request:,.0f} |"
        )
    lines += ["", "| target | measured | bound | met |", "|---|---:|---:|---|"]
    for t in found:
        bound = f"≤ {t.bound:.2f}" if "median" in t.label else f"≥ {t.bound:.2f}"
        lines.append(f"| {t.label} | {t.ratio:.2f} | {bound} | {'yes' if t.met else 'no'} |")
    return "\n".join(lines)


def _parse_compare(values: tuple[str, ...]) -> list[tuple[str, str]]:
    pairs = []
    for value in values:
        name, sep, url = value.partition("=")
        if not sep or not name or not url:
            raise click.BadParameter(f"expected NAME=DATABASE_URL, got {value!r}")
        pairs.append((name, url))
    return pairs


HELLO = "hello app"
STATIC = "nginx: the lot page as a static file"
MICRO_CACHE = "nginx micro-cache: repeated lot views"


def rendered_row(label: str) -> str:
    return f"lot page rendered every time ({label})"


def repeated_row(label: str) -> str:
    return f"repeated lot views, page cache ({label})"


@click.command("http-benchmark")
@click.option(
    "--name",
    default="this database",
    show_default=True,
    help="Label of the app's own database (DATABASE_URL).",
)
@click.option(
    "--compare",
    multiple=True,
    metavar="NAME=URL",
    help="Another database to serve the lot page from, side by side.",
)
@click.option("--seconds", default=15, show_default=True, help="Measured seconds per server.")
@click.option("--warmup", default=3, show_default=True, help="Unmeasured seconds first.")
@click.option("--connections", default=16, show_default=True)
@click.option("--threads", default=1, show_default=True, help="wrk threads.")
@click.option(
    "--lots",
    "lot_count",
    default=1000,
    show_default=True,
    help="Distinct lots requested when every page is rendered.",
)
@click.option(
    "--hot",
    "hot_count",
    default=20,
    show_default=True,
    help="Lots viewed over and over (a popular product's lots).",
)
@click.option("--seed", default=1, show_default=True)
@with_appcontext
def http_benchmark_command(
    name: str,
    compare: tuple[str, ...],
    seconds: int,
    warmup: int,
    connections: int,
    threads: int,
    lot_count: int,
    hot_count: int,
    seed: int,
) -> None:
    """Lot page vs a hello app vs nginx static (and the micro-cache), in one run.

    Rows: the lot page with the page cache off, its requests spread over --lots lots
    (every answer rendered: the database's and the templates' cost), per database;
    --hot lots viewed over and over with the default configuration (the per-process
    page cache, page_cache.py) and through nginx's micro-cache; the hello app; the lot
    page's own HTML as a static file served by nginx.
    """
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        raise click.ClickException(
            f"{', '.join(missing)} not found: apt-get install {' '.join(missing)}"
        )
    databases = [(name, current_app.config["SQLALCHEMY_DATABASE_URI"]), *_parse_compare(compare)]
    options = {"seconds": seconds, "warmup": warmup, "connections": connections, "threads": threads}
    base_env = dict(os.environ) | {"SECRET_KEY": current_app.config["SECRET_KEY"]}
    click.echo(f"Sampling {lot_count:,} lots per database …")
    paths = {label: sample_lot_paths(url, lot_count, seed) for label, url in databases}
    hot = paths[name][:hot_count]
    results: dict[str, Result] = {}
    with ExitStack() as stack:
        work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="txng-bench-")))

        def serve(spec: str, label: str, env: dict[str, str], probe: str) -> str:
            log = work / f"gunicorn-{re.sub(r'[^a-z0-9]+', '-', label.lower())}.log"
            return stack.enter_context(app_servers.gunicorn(spec, base_env | env, log, probe))

        rendered = {
            label: serve(
                "lookup_site:create_app()",
                f"rendered {label}",
                {"DATABASE_URL": url, "PAGE_CACHE_SECONDS": "0"},
                paths[label][0],
            )
            for label, url in databases
        }
        cached = serve(
            "lookup_site:create_app()", f"cached {name}", {"DATABASE_URL": databases[0][1]}, hot[0]
        )
        hello = serve("lookup_site.http_benchmark:hello_app()", "hello", {}, "/")
        (work / "static").mkdir()
        with urllib.request.urlopen(cached + hot[0]) as answer:
            (work / "static" / "lot.html").write_bytes(answer.read())
        static_port, cache_port = app_servers.free_port(), app_servers.free_port()
        stack.enter_context(nginx(work, int(cached.rsplit(":", 1)[1]), static_port, cache_port))

        click.echo(
            f"Load: wrk, {connections} connections, {threads} thread(s), "
            f"{warmup} s warm-up + {seconds} s each; {os.cpu_count()} cores."
        )
        results[HELLO] = load(HELLO, hello, ["/"], work, options)
        for label, _ in databases:
            results[rendered_row(label)] = load(
                rendered_row(label), rendered[label], paths[label], work, options
            )
        results[repeated_row(name)] = load(repeated_row(name), cached, hot, work, options)
        results[STATIC] = load(
            STATIC, f"http://127.0.0.1:{static_port}", ["/lot.html"], work, options
        )
        results[MICRO_CACHE] = load(
            MICRO_CACHE, f"http://127.0.0.1:{cache_port}", hot, work, options
        )
    found = targets(results, name, [label for label, _ in databases[1:]])
    click.echo("")
    click.echo(markdown(results, found))


def init_app(app: Flask) -> None:
    app.cli.add_command(http_benchmark_command)
