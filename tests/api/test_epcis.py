"""EPCIS 2.0 over the API: a lot's document, capture per the REST binding, its job.

Every answer is checked against the OpenAPI document by the api client fixture."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from lookup_site.models import Event
from lookup_site.services import epcis_capture

from ..epcis_samples import (
    ACCEPTED,
    INVALID,
    INVALID_EVENTS,
    VALID,
    VALID_OUTCOMES,
    VECTORS,
    register_lots_named_in,
)

EPCIS_JSON = "application/ld+json"


def events(db) -> int:
    return db.session.scalar(select(func.count(Event.id)))


def send(api, document, **kwargs):
    return api.post(
        "/api/v1/epcis/capture",
        data=json.dumps(document),
        headers={"Content-Type": EPCIS_JSON},
        **kwargs,
    )


def test_a_lots_events_as_an_epcis_document(api, db, make_product, make_lot, make_event):
    lot = make_lot(make_product(producer=api.producer))
    make_event(lot, "harvesting")
    make_event(lot, "packing")
    response = api.get(f"/api/v1/lots/{lot.id}/epcis")
    assert response.status_code == 200
    assert response.mimetype == EPCIS_JSON
    assert response.headers["GS1-EPCIS-Version"] == "2.0.0"
    document = json.loads(response.get_data())
    assert document["type"] == "EPCISDocument"
    assert len(document["epcisBody"]["eventList"]) == 2
    with api.app.test_request_context():
        assert epcis_capture.validate_document(document) == []


def test_another_facilitys_lot_document_is_not_found(api, other_api, make_product, make_lot):
    lot = make_lot(make_product(producer=other_api.producer))
    assert api.get(f"/api/v1/lots/{lot.id}/epcis").status_code == 404


@pytest.mark.parametrize("path", INVALID, ids=[path.stem for path in INVALID])
def test_every_invalid_document_is_refused_naming_each_bad_event(api, db, path):
    document = json.loads(path.read_text(encoding="utf-8"))
    response = send(api, document, lang="en")
    assert response.status_code == 400
    problem = response.get_json()
    assert problem["type"] == "urn:txng:problem:epcis_document_refused"
    expected = INVALID_EVENTS[path.stem]
    pointers = {error["pointer"] for error in problem["errors"]}
    for index in expected:
        assert (f"#/epcisBody/eventList/{index}" if index != "" else "#/") in pointers or any(
            f"/epcisBody/eventList/{index}" in pointer for pointer in pointers
        ), pointers
    assert events(db) == 0


@pytest.mark.parametrize("path", VALID, ids=[path.stem for path in VALID])
def test_every_valid_document_is_captured_or_refused_with_reasons(api, db, make_product, path):
    document = json.loads(path.read_text(encoding="utf-8"))
    register_lots_named_in(document, api.producer, make_product, db)
    response = send(api, document)
    expected = VALID_OUTCOMES[path.stem]
    if expected == ACCEPTED:
        assert response.status_code == 202, response.get_data(as_text=True)
    else:
        assert response.status_code in (400, 422)
        assert response.get_json()["errors"]
        assert events(db) == 0


def test_a_captured_document_is_recorded_once_and_its_job_stays_readable(
    api, other_api, db, make_product
):
    path = VECTORS / "capture-valid" / "ObjectEvent_with_digitalLink.json"
    document = json.loads(path.read_text(encoding="utf-8"))
    register_lots_named_in(document, api.producer, make_product, db)
    first = send(api, document)
    assert first.status_code == 202
    job_url = first.headers["Location"]
    assert first.get_json()["captureID"] == job_url.rsplit("/", 1)[1]
    job = api.get(job_url).get_json()
    assert (job["success"], job["running"], job["captureErrorBehaviour"]) == (
        True,
        False,
        "rollback",
    )
    recorded = events(db)
    assert job["recorded"] == recorded > 0

    again = api.get(send(api, document).headers["Location"]).get_json()
    assert (again["recorded"], again["alreadyHeld"]) == (0, recorded)
    assert events(db) == recorded
    # Another facility cannot read this facility's capture job.
    assert other_api.get(job_url).status_code == 404


def test_a_capture_must_be_json_and_not_too_large(api, db):
    wrong_type = api.post(
        "/api/v1/epcis/capture", data="<epcis/>", headers={"Content-Type": "application/xml"}
    )
    assert wrong_type.status_code == 415
    huge = api.post(
        "/api/v1/epcis/capture",
        data=b"{" + b" " * (5 * 1024 * 1024 + 10) + b"}",
        headers={"Content-Type": EPCIS_JSON},
    )
    assert huge.status_code == 413
    assert events(db) == 0
