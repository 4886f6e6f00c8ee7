"""The soak command: a short real run against gunicorn, and its counting of entries."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from lookup_site import soak
from lookup_site.models import ApiToken, Event, Lot, Producer
from lookup_site.services import chain


def test_tally_counts_nothing_wrong_when_every_acknowledged_entry_is_stored_once():
    found = soak.tally({"a": 1, "b": 2}, ["b", "a"])

    assert found == soak.Tally(2, 2, [], {}, [])
    assert found.clean


def test_tally_detects_a_lost_a_duplicated_and_an_unexpected_entry():
    acknowledged = {"kept": 1, "lost": 2, "twice": 3}
    stored = ["kept", "twice", "twice", "never acknowledged", None]

    found = soak.tally(acknowledged, stored)

    assert found.lost == ["lost"]
    assert found.duplicated == {"twice": 2}
    assert found.unexpected == ["None", "never acknowledged"]
    assert (found.acknowledged, found.stored) == (3, 5)
    assert not found.clean


def test_percentile_is_the_nearest_rank():
    values = [float(n) for n in range(100, 0, -1)]  # unsorted on purpose

    assert soak.percentile(values, 0.5) == 50
    assert soak.percentile(values, 0.99) == 99
    assert soak.percentile(values, 1.0) == 100
    assert soak.percentile([7.0], 0.9) == 7


def test_prepare_makes_one_facility_lot_and_working_token_per_producer(app, db, client):
    targets = soak.prepare(3, "T1")

    assert len({target.lot_id for target in targets}) == 3
    assert db.session.scalar(select(func.count(ApiToken.id))) == 3
    names = db.session.scalars(select(Producer.name_en).order_by(Producer.id)).all()
    assert names == ["Soak T1 facility 1", "Soak T1 facility 2", "Soak T1 facility 3"]
    first = targets[0]
    answer = client.get(
        f"/api/v1/lots/{first.lot_id}/events", headers={"Authorization": f"Bearer {first.token}"}
    )
    assert answer.status_code == 200 and answer.get_json()["items"] == []
    # A token writes only its own facility's lot.
    other = client.get(
        f"/api/v1/lots/{targets[1].lot_id}/events",
        headers={"Authorization": f"Bearer {first.token}"},
    )
    assert other.status_code == 404


def test_shopper_pages_cover_written_lots_by_both_addresses_and_other_lots(app, db, make_lot):
    existing = make_lot()
    targets = soak.prepare(2, "T2")

    written, others = soak.shopper_pages(targets, 5)

    assert {page.kind for page in written} == {soak.SHORT_CODE_KIND, soak.DIGITAL_LINK_KIND}
    assert len(written) == 4
    assert [page.path for page in others if page.kind == soak.SHORT_CODE_KIND] == [
        f"/t/{existing.public_code}"
    ]
    assert all(page.expect == existing.code for page in others)


def _figures(output: str, kind: str) -> list[str]:
    line = next(line for line in output.splitlines() if line.strip().startswith(kind))
    return line[len(kind) + 2 :].split()


def test_a_short_soak_against_gunicorn_loses_nothing_and_reports_its_figures(
    app, db, runner, make_lot
):
    make_lot()  # a lot nobody writes to, read by the shoppers as well

    result = runner.invoke(args="soak --seconds 3 --producers 2 --shoppers 2 --workers 2".split())

    output = result.output
    assert result.exit_code == 0, output
    assert "errors: 0" in output
    entries = re.search(
        r"diary entries: (\d+) acknowledged, (\d+) stored, 0 lost, 0 duplicated, 0 unexpected",
        output,
    )
    assert entries, output
    acknowledged, stored = int(entries[1]), int(entries[2])
    assert acknowledged == stored > 0
    for kind in (soak.EVENT_KIND, soak.SHORT_CODE_KIND, soak.DIGITAL_LINK_KIND):
        count, _rate, errors, p50, p90, p99, slowest = _figures(output, kind)
        assert int(count) > 0 and errors == "0"
        assert 0 < float(p50) <= float(p90) <= float(p99) <= float(slowest)
    # The server logged every measured request, none of the warm-up's.
    assert "inside gunicorn (its access log)" in output
    inside = output.split("inside gunicorn")[1]
    for kind in (soak.EVENT_KIND, soak.SHORT_CODE_KIND, soak.DIGITAL_LINK_KIND):
        logged, _rate, p50, _p90, _p99, slowest = _figures(inside, kind)
        assert logged == _figures(output, kind)[0] and float(p50) <= float(slowest)
    assert "hash chains: 2 of 2 lots intact" in output
    assert "soak passed" in output
    # The database holds exactly what the report says, each chain intact.
    db.session.remove()
    soak_lots = db.session.scalars(select(Lot).where(Lot.code.like("SOAK-%"))).all()
    assert len(soak_lots) == 2
    assert (
        db.session.scalar(
            select(func.count(Event.id)).where(Event.lot_id.in_([lot.id for lot in soak_lots]))
        )
        == stored
    )
    for lot in soak_lots:
        assert chain.verify_chain(lot.events, lot.public_code).intact


def test_a_server_that_is_not_there_fails_the_soak_with_its_errors(app, db, runner):
    result = runner.invoke(
        args="soak --seconds 1 --producers 1 --shoppers 1 --timeout 1".split()
        + ["--url", "http://127.0.0.1:9"]
    )

    assert result.exit_code == 1
    assert "ConnectionRefusedError" in result.output
    assert "diary entries: 0 acknowledged, 0 stored, 0 lost" in result.output
    assert "soak failed:" in result.output


def test_server_timings_keep_the_measured_requests_by_kind():
    log = [
        '127.0.0.1 "POST /api/v1/lots/12/events HTTP/1.1" 201 676 48ms "txng-soak"',
        '127.0.0.1 "GET /01/08930000000017/10/A%2F1 HTTP/1.1" 200 2922 31ms "txng-soak"',
        '127.0.0.1 "GET /t/W7CP0QCD HTTP/1.1" 200 3108 25ms "txng-soak"',
        '127.0.0.1 "GET /t/W7CP0QCD HTTP/1.1" 200 3108 95ms "txng-soak-warm-up"',
        '127.0.0.1 "GET /t/W7CP0QCD HTTP/1.1" 200 3108 45ms "Mozilla/5.0"',
        '127.0.0.1 "GET /api/v1/lots/12/events HTTP/1.1" 200 90 9ms "txng-soak"',
        '127.0.0.1 "GET /healthz HTTP/1.1" 200 16 3ms "txng-soak-warm-up"',
        "[2026-11-29 03:05:23 +0000] [9433] [INFO] Booting worker with pid: 9457",
    ]

    timings = soak.server_timings(log)

    assert timings == {
        soak.EVENT_KIND: [48.0],
        soak.DIGITAL_LINK_KIND: [31.0],
        soak.SHORT_CODE_KIND: [25.0],
    }


def test_a_refused_entry_is_described_by_its_problem_type():
    body = b'{"type": "urn:txng:problem:lot_locked", "title": "x", "detail_en": "Locked."}'

    assert soak._described(422, body) == "422 urn:txng:problem:lot_locked: Locked."
    assert soak._described(502, b"<html>Bad gateway</html>") == "502 b'<html>Bad gateway</html>'"


def test_writers_sharing_a_lot_never_lose_duplicate_or_break_its_chain(app, db, runner):
    result = runner.invoke(
        args="soak --seconds 3 --producers 1 --writers-per-lot 3 --shoppers 1 --workers 2".split()
    )

    output = result.output
    assert "(3 writers each)" in output
    assert " 0 lost, 0 duplicated, 0 unexpected" in output, output
    assert "hash chains: 1 of 1 lots intact" in output
    # Two writers that read the same last entry collide on its sequence number: the
    # loser is refused (not stored), which the soak counts as an error, never as data.
    refusals = re.findall(r"POST diary entry: soak \S+ p1\.\d #\d+: (.*)", output)
    assert all(refusal.startswith("422 urn:txng:problem:") for refusal in refusals)
    assert result.exit_code == (1 if "errors: 0" not in output else 0)
