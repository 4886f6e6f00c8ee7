"""The side-by-side HTTP benchmark: its reading of wrk, its targets, and one short real run."""

from __future__ import annotations

import shutil

import click
import pytest

from lookup_site.http_benchmark import (
    HELLO,
    MICRO_CACHE,
    STATIC,
    Result,
    _parse_compare,
    hello_app,
    parse_wrk,
    rendered_row,
    repeated_row,
    targets,
)

WRK_OUTPUT = """\
Running 2s test @ http://127.0.0.1:18077/
  1 threads and 2 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    11.82ms   18.25ms  97.12ms   86.96%
    Req/Sec   168.60     92.96   230.00     80.00%
  Latency Distribution
     50%  367.00us
     75%    9.11ms
     90%   37.91ms
     99%    1.20s
  90 requests in 2.09s, 314.47KB read
  Socket errors: connect 0, read 3, write 2, timeout 1
  Non-2xx or 3xx responses: 4
Requests/sec:     43.14
Transfer/sec:    150.74KB
"""


def test_wrk_report_is_read_in_milliseconds():
    result = parse_wrk("x", WRK_OUTPUT)
    assert result.requests_per_second == pytest.approx(43.14)
    assert result.latency_ms == pytest.approx({"50%": 0.367, "90%": 37.91, "99%": 1200.0})
    assert result.errors == 3 + 2 + 1 + 4
    assert result.transfer_per_request == pytest.approx(314.47 * 1024 / 90)


def test_unexpected_wrk_output_is_a_clear_error():
    with pytest.raises(click.ClickException, match="Unexpected wrk output"):
        parse_wrk("x", "unable to connect to 127.0.0.1:1 Connection refused")


def test_compare_takes_name_equals_url():
    assert _parse_compare(("1m=postgresql://h/db",)) == [("1m", "postgresql://h/db")]
    with pytest.raises(click.BadParameter):
        _parse_compare(("postgresql://h/db",))


def result(name: str, rate: float, median: float = 1.0) -> Result:
    return Result(name, rate, {"50%": median, "90%": median, "99%": median}, 0, 5000)


def test_targets_are_ratios_with_their_bounds():
    results = {
        r.name: r
        for r in (
            result(HELLO, 1000),
            result(rendered_row("1m"), 190, median=11.5),
            result(rendered_row("10k"), 200, median=10.0),
            result(repeated_row("1m"), 600),
            result(STATIC, 9000),
            result(MICRO_CACHE, 3100),
        )
    }
    found = {t.label: t for t in targets(results, "1m", ["10k"])}
    assert found["repeated lot views / hello app"].met
    assert found["repeated lot views / hello app"].ratio == pytest.approx(0.6)
    assert not found["lot page rendered every time / hello app"].met
    assert found["micro-cached lot views / nginx static"].met
    median = found["median rendered lot page, 1m / 10k"]
    assert median.ratio == pytest.approx(1.15) and median.met


def test_hello_app_says_hello():
    assert hello_app().test_client().get("/").get_data(as_text=True) == "Hello, World!"


@pytest.mark.skipif(
    not (shutil.which("nginx") and shutil.which("wrk")),
    reason="nginx and wrk are not installed (.ci/run installs them: apt-get install nginx wrk)",
)
def test_a_short_run_serves_every_row_without_errors(runner, app, db, monkeypatch):
    from lookup_site.demo import load_demo

    monkeypatch.setenv("GUNICORN_WORKERS", "1")  # a smoke run: start-up is the cost
    load_demo()
    db.session.commit()
    outcome = runner.invoke(
        args=[
            "http-benchmark",
            "--name",
            "demo",
            "--seconds",
            "1",
            "--warmup",
            "1",
            "--lots",
            "5",
            "--hot",
            "2",
            "--connections",
            "2",
        ],
    )
    assert outcome.exit_code == 0, outcome.output
    table = outcome.output.split("| served |", 1)[1]
    for row in (HELLO, rendered_row("demo"), repeated_row("demo"), STATIC, MICRO_CACHE):
        line = next(line for line in table.splitlines() if line.startswith(f"| {row} |"))
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        assert float(cells[1].replace(",", "")) > 0, line  # requests per second
        assert cells[5] == "0", line  # errors
    assert "| repeated lot views / hello app |" in outcome.output
