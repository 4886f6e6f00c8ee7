"""`flask serials …` and `flask jobs worker` from the command line."""

from __future__ import annotations

import csv

from sqlalchemy import func, select

from lookup_site.errors import LotNotFound
from lookup_site.models import Serial
from lookup_site.services import serial_jobs, serials


def serial_count(db) -> int:
    return db.session.scalar(select(func.count(Serial.id)))


def test_generate_issues_codes_and_writes_their_csv(runner, db, make_lot, tmp_path):
    lot = make_lot()
    serials.generate_serials(lot, 4)  # an earlier issue: not in this CSV
    db.session.commit()
    out = tmp_path / "codes.csv"
    short = f"{lot.public_code[:4]}-{lot.public_code[4:]}".lower()
    result = runner.invoke(
        args=["serials", "generate", short, "--count", "1500", "--csv", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "1,500 item codes issued for lot CH2023-01" in result.output
    rows = list(csv.reader(out.read_text(encoding="utf-8").splitlines()))
    assert rows[0] == ["serial", "url", "short_code"]
    assert len(rows) == 1 + 1500
    assert serial_count(db) == 1504


def test_generate_refuses_a_bad_count_or_lot_and_writes_nothing(runner, db, make_lot):
    lot = make_lot()
    too_many = runner.invoke(args=["serials", "generate", lot.public_code, "--count", "100001"])
    assert too_many.exit_code == 2
    assert "between 1 and 100,000 codes at once, not 100,001" in too_many.output
    unknown = runner.invoke(args=["serials", "generate", "ZZZZ-ZZZZ", "--count", "3"])
    assert unknown.exit_code == 2
    assert "no lot has the short code 'ZZZZ-ZZZZ'" in unknown.output
    malformed = runner.invoke(args=["serials", "generate", "no!", "--count", "3"])
    assert malformed.exit_code == 2
    assert "is not a lot short code" in malformed.output
    assert serial_count(db) == 0


def test_generate_names_a_refusal_other_than_the_count_as_it_is(runner, db, make_lot, monkeypatch):
    """Only a bad count is a usage error; any other refusal keeps its own message.

    No lot state makes issuing refuse today, so the second chunk's insert is made to
    fail with a domain error; the issue's real all-or-nothing undo still runs.
    """
    lot = make_lot()
    issue = serials.issue_serials
    chunks = []

    def issue_then_refuse(lot, count, *, created_at):
        chunks.append(count)
        if len(chunks) == 2:
            raise LotNotFound("the lot was deleted while its codes were issued")
        return issue(lot, count, created_at=created_at)

    monkeypatch.setattr(serials, "issue_serials", issue_then_refuse)
    result = runner.invoke(args=["serials", "generate", lot.public_code, "--count", "15000"])
    assert result.exit_code == 1, result.output
    assert (
        f"Error: lot {lot.public_code}: the lot was deleted while its codes were issued"
        in result.output
    )
    assert "codes at once" not in result.output
    assert chunks == [serial_jobs.ISSUE_CHUNK, 15000 - serial_jobs.ISSUE_CHUNK]
    assert serial_count(db) == 0  # the first, committed chunk was withdrawn


def test_the_worker_needs_the_rq_backend(runner):
    result = runner.invoke(args=["jobs", "worker", "--burst"])
    assert result.exit_code == 2
    assert "set JOBS_BACKEND=rq" in result.output
