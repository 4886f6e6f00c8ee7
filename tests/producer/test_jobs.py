"""Background jobs: issued codes and label sheets prepared away from the request.

The same job runs eagerly (the tests' default), in the app's worker thread, or in
an RQ worker on the local Redis; its page follows it and offers the file."""

from __future__ import annotations

import csv
import io
import time
import uuid

import pytest
from sqlalchemy import func, select

from lookup_site import create_app
from lookup_site.models import Job, JobState, Serial
from lookup_site.services import jobs, serial_jobs, serials


@pytest.fixture
def lot(make_product, make_lot, producer_user):
    return make_lot(make_product(producer=producer_user.producer))


@pytest.fixture
def strangers_job(db, make_lot, make_product, make_producer):
    lot = make_lot(make_product(producer=make_producer(), gtin="09520123450014"))
    job = jobs.submit(
        serial_jobs.GENERATE,
        total=3,
        params={"count": 3},
        producer_id=lot.product.producer_id,
        lot_id=lot.id,
    )
    return job


def serial_count(db) -> int:
    return db.session.scalar(select(func.count(Serial.id)))


def issue(client, lot, count: int):
    return client.post(f"/producer/lots/{lot.id}/serials?lang=en", data={"count": str(count)})


def csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8"))))


def test_issuing_answers_with_the_jobs_page_and_its_file(client, db, lot):
    response = issue(client, lot, 40)
    assert response.status_code == 303
    job_path = response.headers["Location"]
    page = client.get(job_path + "?lang=en")
    html = page.get_data(as_text=True)
    assert "Ready: 40 done." in html
    assert "Refresh" not in page.headers  # finished: the page stops reloading
    assert page.headers["Cache-Control"] == "private, no-store"
    with client.get(job_path + "/file") as download:
        assert download.status_code == 200
        assert download.mimetype == "text/csv"
        assert download.headers["Content-Disposition"].startswith("attachment;")
        rows = csv_rows(download.get_data())
    assert rows[0] == ["serial", "url", "short_code"]
    assert len(rows) == 41
    assert {row[0] for row in rows[1:]} == set(db.session.scalars(select(Serial.serial)))


def test_the_job_csv_holds_only_its_own_issue(client, db, lot):
    serials.generate_serials(lot, 5)
    db.session.commit()
    job_path = issue(client, lot, 7).headers["Location"]
    with client.get(job_path + "/file") as download:
        assert len(csv_rows(download.get_data())) == 1 + 7
    assert serial_count(db) == 12


def test_job_status_as_json(client, lot):
    job_path = issue(client, lot, 3).headers["Location"]
    status = client.get(job_path, headers={"Accept": "application/json"}).get_json()
    assert status["state"] == "done"
    assert (status["done"], status["total"], status["percent"]) == (3, 3, 100)
    assert status["download"] == job_path + "/file"


def test_a_waiting_job_page_reloads_itself(client, db, lot, producer_user):
    job = Job(
        id=uuid.uuid4().hex,
        kind=serial_jobs.GENERATE,
        total=100,
        done=0,
        params={"count": 100},
        producer_id=producer_user.producer.id,
        lot_id=lot.id,
    )
    db.session.add(job)
    db.session.commit()
    page = client.get(f"/producer/jobs/{job.id}?lang=en")
    assert page.headers["Refresh"] == "2"
    assert "Waiting for its turn" in page.get_data(as_text=True)
    assert client.get(f"/producer/jobs/{job.id}/file").status_code == 404
    # Running: how far it got, in the page's language.
    job.state, job.done = JobState.RUNNING, 45
    db.session.commit()
    html = client.get(f"/producer/jobs/{job.id}?lang=vi").get_data(as_text=True)
    assert 'value="45"' in html


def test_another_producers_job_is_unknown(client, db, producer_user, strangers_job):
    for path in ("", "/file"):
        assert client.get(f"/producer/jobs/{strangers_job.id}{path}").status_code == 404
    assert client.get("/producer/jobs/" + "x" * 200).status_code == 404


def test_a_failing_job_is_recorded_and_leaves_no_file(app, client, db, lot, producer_user):
    @jobs.task("test.fails", content_type="text/plain", extension="txt", file_name=str)
    def fails(job, progress, out):
        out.write(b"half")
        raise RuntimeError("disk full")

    try:
        job = jobs.submit("test.fails", total=1, producer_id=producer_user.producer.id)
    finally:
        del jobs.TASKS["test.fails"]
    db.session.expire_all()
    job = db.session.get(Job, job.id)
    assert job.state is JobState.FAILED
    assert job.error == "job_failed"
    assert job.file_name is None
    assert list((jobs.jobs_folder()).iterdir()) == []  # the partial file is gone


def test_an_interrupted_issue_withdraws_its_codes(db, lot, monkeypatch):
    monkeypatch.setattr(serial_jobs, "ISSUE_CHUNK", 10)
    serials.generate_serials(lot, 3)
    db.session.commit()

    def interrupt(done, total):
        if done >= 20:
            raise KeyboardInterrupt  # Ctrl-C in the CLI, or a worker stopped

    with pytest.raises(KeyboardInterrupt):
        serial_jobs.issue_in_chunks(lot, 50, interrupt)
    assert serial_count(db) == 3  # the two committed chunks were withdrawn


def test_a_job_runs_once_even_if_queued_twice(db, lot, producer_user):
    job = jobs.submit(
        serial_jobs.GENERATE,
        total=4,
        params={"count": 4},
        producer_id=producer_user.producer.id,
        lot_id=lot.id,
    )
    assert jobs.run(job.id) is None  # already claimed and done
    assert serial_count(db) == 4


def wait_for(db, job_id: str, seconds: float = 30) -> Job:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        db.session.rollback()  # a new snapshot (SQLite keeps one per transaction)
        job = db.session.get(Job, job_id)
        if job.finished:
            return job
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} did not finish")


def test_the_thread_backend_runs_jobs_away_from_the_request(app_config, db, lot, producer_user):
    server = create_app({**app_config, "JOBS_BACKEND": "thread"})
    client = server.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = producer_user.get_id()
    response = issue(client, lot, 2500)
    job_id = response.headers["Location"].rsplit("/", 1)[1]
    jobs.backend(server).shutdown()
    job = wait_for(db, job_id)
    with server.app_context():
        db.engine.dispose()
    assert job.state is JobState.DONE
    assert (job.done, job.total) == (2500, 2500)
    assert serial_count(db) == 2500


def test_rq_workers_share_one_queue_in_redis(app_config, db, lot, producer_user):
    import redis

    try:
        redis.Redis(host="127.0.0.1", port=6379, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("Redis is not running on 127.0.0.1:6379: the RQ backend is untested")
    config = {
        **app_config,
        "JOBS_BACKEND": "rq",
        "JOBS_REDIS_URL": "redis://127.0.0.1:6379/0",
        "JOBS_QUEUE": f"test-{uuid.uuid4().hex}",
    }
    web, worker = create_app(config), create_app(config)
    client = web.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = producer_user.get_id()
    job_id = issue(client, lot, 30).headers["Location"].rsplit("/", 1)[1]
    db.session.expire_all()
    assert db.session.get(Job, job_id).state is JobState.QUEUED  # the web server only queued it
    with worker.app_context():
        jobs.backend(worker).worker().work(burst=True)
    job = wait_for(db, job_id, seconds=5)
    for server in (web, worker):
        with server.app_context():
            db.engine.dispose()
        jobs.backend(server).connection.close()
    assert job.state is JobState.DONE
    assert serial_count(db) == 30


def test_label_sheets_are_a_job_whose_pdf_holds_one_code_per_item(client, db, lot):
    from pypdf import PdfReader

    serials.generate_serials(lot, 45)
    db.session.commit()
    response = client.post(f"/producer/lots/{lot.id}/serials/labels?lang=en", data={"grid": "4x10"})
    assert response.status_code == 303
    job_path = response.headers["Location"]
    assert "Ready: 45 done." in client.get(job_path + "?lang=en").get_data(as_text=True)
    with client.get(job_path + "/file") as download:
        assert download.mimetype == "application/pdf"
        assert "item-labels-4x10" in download.headers["Content-Disposition"]
        reader = PdfReader(io.BytesIO(download.get_data()))
    assert len(reader.pages) == 2  # 40 on the first sheet, 5 on the second
    assert "Scan to trace origin" in reader.pages[1].extract_text()


def test_a_label_job_outside_any_request_writes_its_text_in_the_asked_language(
    db, lot, producer_user
):
    # The thread and RQ backends run jobs with no request: the language comes from the job.
    serials.generate_serials(lot, 3)
    db.session.commit()
    job = jobs.submit(
        serial_jobs.LABELS,
        total=3,
        params={"grid": "4x10", "lang": "vi"},
        producer_id=producer_user.producer.id,
        lot_id=lot.id,
    )
    db.session.rollback()
    job = db.session.get(Job, job.id)
    assert job.state is JobState.DONE, job.error_detail
    from pypdf import PdfReader

    text = PdfReader(jobs.file_path(job)).pages[0].extract_text()
    assert "truy xuất" in text.lower() or "Quét" in text


def test_label_sheets_need_item_codes_first(client, db, lot):
    response = client.post(
        f"/producer/lots/{lot.id}/serials/labels?lang=en",
        data={"grid": "4x10"},
        follow_redirects=True,
    )
    assert "Issue item codes for this lot first" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Job.id))) == 0
    bad = client.post(
        f"/producer/lots/{lot.id}/serials/labels?lang=en",
        data={"grid": "9x9"},
        follow_redirects=True,
    )
    assert "Choose one of the listed label sheets." in bad.get_data(as_text=True)
