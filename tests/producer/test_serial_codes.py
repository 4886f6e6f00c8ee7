"""Item codes in the producer workspace: issue them for a lot, download them as CSV."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import func, select

from lookup_site.models import Role, Serial
from lookup_site.services import serials


@pytest.fixture
def lot(make_product, make_lot, producer_user):
    return make_lot(make_product(producer=producer_user.producer))


@pytest.fixture
def strangers_lot(make_lot, make_product, make_producer):
    return make_lot(make_product(producer=make_producer(), gtin="09520123450014"))


def serial_count(db) -> int:
    return db.session.scalar(select(func.count(Serial.id)))


def test_lot_page_offers_the_form_and_the_count(client, lot):
    html = client.get(f"/producer/lots/{lot.id}?lang=en").get_data(as_text=True)
    assert "0 item codes issued for this lot." in html
    assert f'action="/producer/lots/{lot.id}/serials"' in html
    assert "serials.csv" not in html  # nothing to download yet


def test_issue_serials_then_download_them(client, db, lot):
    response = client.post(
        f"/producer/lots/{lot.id}/serials?lang=en", data={"count": "25"}, follow_redirects=True
    )
    html = response.get_data(as_text=True)
    # The codes are issued by a background job (run eagerly in the tests): its page.
    assert response.request.path.startswith("/producer/jobs/")
    assert "Ready: 25 done." in html
    assert serial_count(db) == 25
    with client.get(response.request.path + "/file") as job_csv:
        assert job_csv.status_code == 200
        assert len(list(csv.reader(io.StringIO(job_csv.get_data(as_text=True))))) == 26

    html = client.get(f"/producer/lots/{lot.id}?lang=en").get_data(as_text=True)
    assert "25 item codes issued for this lot." in html
    assert f"/producer/lots/{lot.id}/serials.csv" in html

    download = client.get(f"/producer/lots/{lot.id}/serials.csv")
    assert download.status_code == 200
    assert download.mimetype == "text/csv"
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert download.headers["Cache-Control"] == "private, no-store"
    rows = list(csv.reader(io.StringIO(download.get_data(as_text=True))))
    assert rows[0] == ["serial", "url", "short_code"]
    assert len(rows) == 26
    stored = {s.serial: s for s in db.session.scalars(select(Serial))}
    for serial, url, short_code in rows[1:]:
        assert url == serials.serial_url(stored[serial])
        assert short_code.endswith(f"-{serial}")


@pytest.mark.parametrize("count", ["0", "100001", "", "ten"])
def test_quantity_out_of_range_is_explained_and_nothing_written(client, db, lot, count):
    response = client.post(
        f"/producer/lots/{lot.id}/serials?lang=en", data={"count": count}, follow_redirects=True
    )
    assert "Enter a number of serial codes from 1 to 100,000." in response.get_data(as_text=True)
    assert serial_count(db) == 0


def test_another_producers_lot_answers_404(client, db, producer_user, strangers_lot):
    serials.generate_serials(strangers_lot, 2)
    db.session.commit()
    post = client.post(f"/producer/lots/{strangers_lot.id}/serials", data={"count": "5"})
    download = client.get(f"/producer/lots/{strangers_lot.id}/serials.csv")
    assert post.status_code == 404
    assert download.status_code == 404
    assert serial_count(db) == 2


def test_shoppers_and_inspectors_may_not_issue_serials(client, db, lot, make_user, login):
    login(make_user(Role.INSPECTOR))
    response = client.post(f"/producer/lots/{lot.id}/serials", data={"count": "5"})
    assert response.status_code in (302, 403)
    assert serial_count(db) == 0
