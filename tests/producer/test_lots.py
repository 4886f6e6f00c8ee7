"""Lots in the producer workspace: register, edit until published, stop, link inputs."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from lookup_site.models import Lot, LotInput, LotStatus, LotStatusChange
from lookup_site.services.clock import local_today


@pytest.fixture
def product(make_product, producer_user):
    return make_product(producer=producer_user.producer, shelf_life_days=730)


def lot_form(product, **overrides):
    data = {
        "product_id": product.id,
        "code": "NM-2611-01",
        "production_date": "2026-11-01",
        "packing_date": "2026-11-02",
        "best_before": "2028-11-01",
        "quantity": "1200",
        "quantity_unit": "bottle",
    }
    data.update(overrides)
    return data


def lot_count(db) -> int:
    return db.session.scalar(select(func.count(Lot.id)))


def test_new_lot_form_suggests_code_and_dates(client, product, make_lot):
    make_lot(product, "NM-2611-07")
    html = client.get(f"/producer/lots/new?product_id={product.id}").get_data(as_text=True)
    today = local_today()
    assert 'value="NM-2611-08"' in html
    assert f'value="{today.isoformat()}"' in html
    assert f'value="{date.fromordinal(today.toordinal() + 730).isoformat()}"' in html


def test_first_lot_code_is_dated(client, product):
    html = client.get(f"/producer/lots/new?product_id={product.id}").get_data(as_text=True)
    assert f'value="{local_today():%y%m%d}-01"' in html


def test_register_a_lot(client, db, product):
    response = client.post("/producer/lots/new", data=lot_form(product))
    assert response.status_code == 302
    lot = db.session.scalar(select(Lot))
    assert lot.code == "NM-2611-01" and lot.quantity == Decimal("1200")
    assert lot.quantity_unit == "bottle" and lot.product_id == product.id
    assert response.headers["Location"] == f"/producer/lots/{lot.id}"
    public = client.get(f"/01/{product.gtin}/10/NM-2611-01")
    assert public.status_code == 200


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"code": "LÔ 1"}, "A lot code may not contain “Ô”"),
        ({"code": ""}, "This field is required."),
        ({"code": "X" * 21}, "at most 20 characters"),
        ({"best_before": "2026-10-01"}, "The dates are out of order"),
        ({"packing_date": "2026-10-01"}, "The dates are out of order"),
        ({"quantity": "-5"}, "Enter a positive number."),
        ({"production_date": "31/02/2026"}, "Not a valid date value."),
        ({"quantity_unit": "barrels"}, "Not a valid choice."),
    ],
)
def test_bad_lot_input_is_explained_and_nothing_is_written(client, db, product, overrides, message):
    response = client.post("/producer/lots/new?lang=en", data=lot_form(product, **overrides))
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert lot_count(db) == 0


def test_duplicate_lot_code_is_refused(client, db, product, make_lot):
    make_lot(product, "NM-2611-01")
    response = client.post("/producer/lots/new?lang=en", data=lot_form(product))
    assert "already has a lot with that code" in response.get_data(as_text=True)
    assert lot_count(db) == 1


def test_edit_while_nothing_is_published(client, db, product, make_lot):
    lot = make_lot(product, "OLD-1")
    response = client.post(f"/producer/lots/{lot.id}/edit", data=lot_form(product, code="NEW-1"))
    assert response.status_code == 302
    db.session.refresh(lot)
    assert lot.code == "NEW-1" and lot.packing_date == date(2026, 11, 2)


def test_published_lots_cannot_be_edited(client, db, product, make_lot, make_event):
    lot = make_lot(product, "OLD-1")
    make_event(lot)
    response = client.post(
        f"/producer/lots/{lot.id}/edit?lang=en", data=lot_form(product, code="NEW-1")
    )
    assert response.status_code == 302
    db.session.refresh(lot)
    assert lot.code == "OLD-1"
    page = client.get(f"/producer/lots/{lot.id}?lang=en").get_data(as_text=True)
    assert "Diary entries are already published for this lot" in page


def test_recall_shows_on_the_public_page_at_once(client, db, product, make_lot):
    lot = make_lot(product, "R-1")
    response = client.post(
        f"/producer/lots/{lot.id}/status",
        data={"status": "recalled", "reason_vi": "Nhãn in sai hạn", "reason_en": "Wrong date"},
    )
    assert response.status_code == 302
    public = client.get(f"/01/{product.gtin}/10/R-1").get_data(as_text=True)
    assert 'class="banner recalled"' in public and "Nhãn in sai hạn" in public


def test_stopping_a_lot_needs_a_reason(client, db, product, make_lot):
    lot = make_lot(product, "R-1")
    response = client.post(f"/producer/lots/{lot.id}/status?lang=en", data={"status": "suspended"})
    assert response.status_code == 400
    assert "Give the reason shoppers will read" in response.get_data(as_text=True)
    db.session.refresh(lot)
    assert lot.status is LotStatus.ACTIVE


def test_suspension_can_be_lifted_but_a_recall_is_final(
    client, db, product, make_lot, producer_user
):
    lot = make_lot(product, "R-1")
    client.post(f"/producer/lots/{lot.id}/status", data={"status": "suspended", "reason_en": "x"})
    client.post(f"/producer/lots/{lot.id}/status", data={"status": "active"})
    db.session.refresh(lot)
    assert lot.status is LotStatus.ACTIVE and lot.status_reason_en is None
    client.post(f"/producer/lots/{lot.id}/status", data={"status": "recalled", "reason_en": "y"})
    response = client.post(f"/producer/lots/{lot.id}/status?lang=en", data={"status": "active"})
    assert response.status_code == 400
    db.session.refresh(lot)
    assert lot.status is LotStatus.RECALLED
    history = db.session.scalars(
        select(LotStatusChange).where(LotStatusChange.lot_id == lot.id).order_by(LotStatusChange.id)
    ).all()
    assert [(h.from_status.value, h.to_status.value) for h in history] == [
        ("active", "suspended"),
        ("suspended", "active"),
        ("active", "recalled"),
    ]
    assert {h.changed_by_id for h in history} == {producer_user.id}


def test_declare_another_producers_lot_as_input_by_its_short_code(
    client, db, product, make_lot, make_product, make_producer
):
    supplier = make_product(producer=make_producer(name_vi="Tàu cá (demo)"), gtin="09520123450014")
    catch = make_lot(supplier, "CC-1")
    sauce = make_lot(product, "NM-1")
    typed = f"{catch.public_code[:4].lower()}-{catch.public_code[4:].lower()}"
    response = client.post(
        f"/producer/lots/{sauce.id}/inputs",
        data={"reference": typed, "quantity": "300", "quantity_unit": "kg"},
    )
    assert response.status_code == 302
    link = db.session.scalar(select(LotInput))
    assert (link.output_lot_id, link.input_lot_id, link.quantity) == (sauce.id, catch.id, 300)
    public = client.get(f"/01/{product.gtin}/10/NM-1").get_data(as_text=True)
    assert "/01/09520123450014/10/CC-1" in public


@pytest.mark.parametrize(
    ("reference", "message"),
    [
        ("ZZZZZZZZ", "not registered"),
        ("(01)09520123450008(10)X", "check digit"),
        ("", "This field is required."),
    ],
)
def test_bad_input_references_are_explained(client, db, product, make_lot, reference, message):
    lot = make_lot(product, "NM-1")
    response = client.post(f"/producer/lots/{lot.id}/inputs?lang=en", data={"reference": reference})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(LotInput.id))) == 0


def test_an_input_is_declared_once_and_removable_until_published(
    client, db, product, make_lot, make_event
):
    lot, other = make_lot(product, "A"), make_lot(product, "B")
    client.post(f"/producer/lots/{lot.id}/inputs", data={"reference": other.public_code})
    again = client.post(
        f"/producer/lots/{lot.id}/inputs?lang=en", data={"reference": other.public_code}
    )
    assert "already listed" in again.get_data(as_text=True)
    link = db.session.scalar(select(LotInput))
    make_event(lot)
    client.post(f"/producer/lots/{lot.id}/inputs/{link.id}/delete")
    assert db.session.scalar(select(func.count(LotInput.id))) == 1


def test_lot_list_filters_and_counts(client, product, make_lot, make_event):
    lot = make_lot(product, "A")
    make_event(lot)
    make_lot(product, "B", status=LotStatus.RECALLED)
    html = client.get("/producer/lots?lang=en").get_data(as_text=True)
    assert ">A</code>" in html and ">B</code>" in html
    recalled = client.get("/producer/lots?status=recalled").get_data(as_text=True)
    assert ">B</code>" in recalled and ">A</code>" not in recalled


def test_dashboard_lists_stopped_and_near_expiry_lots(client, product, make_lot):
    make_lot(product, "SOON", best_before=local_today())
    make_lot(product, "STOP", status=LotStatus.SUSPENDED)
    html = client.get("/producer/?lang=en").get_data(as_text=True)
    assert "SOON" in html and "STOP" in html


def test_another_producers_lot_is_not_found_on_every_route(
    client, db, make_user, make_lot, make_product, producer_user
):
    stranger = make_user()
    theirs = make_lot(make_product(producer=stranger.producer, gtin="09520123450014"), "THEIRS")
    mine = make_lot(make_product(producer=producer_user.producer), "MINE")
    link_id = 1
    gets = [
        f"/producer/lots/{theirs.id}",
        f"/producer/lots/{theirs.id}/edit",
        f"/producer/lots/{theirs.id}/events/new",
        f"/producer/lots/new?product_id={theirs.product_id}",
    ]
    posts = [
        (f"/producer/lots/{theirs.id}/edit", {"code": "HACK"}),
        (f"/producer/lots/{theirs.id}/status", {"status": "recalled", "reason_en": "x"}),
        (f"/producer/lots/{theirs.id}/inputs", {"reference": mine.public_code}),
        (f"/producer/lots/{theirs.id}/inputs/{link_id}/delete", {}),
        (f"/producer/lots/{theirs.id}/events/new", {"step": "packing"}),
        ("/producer/lots/new", lot_form(theirs.product, code="HACK")),
    ]
    for path in gets:
        assert client.get(path).status_code == 404, path
    for path, data in posts:
        assert client.post(path, data=data).status_code == 404, path
    db.session.refresh(theirs)
    assert theirs.code == "THEIRS" and theirs.status is LotStatus.ACTIVE
    assert lot_count(db) == 2


def test_a_producer_cannot_lift_an_inspectors_suspension(
    client, db, product, make_lot, make_user, producer_user
):
    from lookup_site.models import Role
    from lookup_site.services import diary

    lot = make_lot(product, "S-1")
    inspector = make_user(Role.INSPECTOR)
    diary.set_status(lot, LotStatus.SUSPENDED, "Đang điều tra", "", user=inspector)
    db.session.commit()
    response = client.post(f"/producer/lots/{lot.id}/status?lang=en", data={"status": "active"})
    assert response.status_code == 400
    assert "only the inspection authority can lift" in response.get_data(as_text=True)
    db.session.refresh(lot)
    assert lot.status is LotStatus.SUSPENDED


def test_a_huge_page_number_is_not_an_error(client, product):
    assert client.get("/producer/lots?page=99999999999999999999").status_code == 200
