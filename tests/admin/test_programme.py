"""The programme catalogue: batches, entries and counts that read like the decision."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from lookup_site.models import (
    BatchEntry,
    BatchEntryStatus,
    Certification,
    CertificationKind,
    ProgrammeBatch,
)
from lookup_site.models.certification import add_months
from lookup_site.services import programme
from lookup_site.services.clock import local_today

from .conftest import text_of


def first_batch(db) -> ProgrammeBatch:
    return db.session.scalars(select(ProgrammeBatch).order_by(ProgrammeBatch.id)).first()


def count_rows(db, model) -> int:
    return db.session.scalar(select(func.count(model.id)))


def cell_counts(html: str, key: str) -> list[str]:
    row = re.search(rf'<tr data-rating="{key}">(.*?)</tr>', html, re.S).group(1)
    return re.findall(r'<span class="count">([^<]+)</span>', row)


# The demo catalogue: the figures of the 2023 decision ----------------------------------------


def test_first_demo_batch_counts_read_like_the_decision(db, demo):
    counts = programme.batch_counts(first_batch(db))
    assert counts.surveyed == 48
    assert counts.approved == 44
    assert (counts.rejected, counts.pending_documents, counts.undecided) == (1, 1, 2)
    ratings = counts.by_rating
    assert (ratings["3"].surveyed, ratings["4"].surveyed, ratings["pending"].surveyed) == (31, 7, 6)
    assert (ratings["5"].surveyed, ratings["none"].surveyed) == (0, 4)
    # The recorded 3-star ratings stay 31; four of those certificates have lapsed since.
    assert ratings["3"].expired_surveyed == 4 and counts.expired == 4
    assert (ratings["3"].approved, ratings["4"].approved) == (31, 7)
    assert sum(tally.approved for tally in ratings.values()) == 44
    assert counts.facilities == 15
    assert sum(row.surveyed for row in counts.by_facility) == 48
    assert sum(row.approved for row in counts.by_facility) == 44
    assert sum(row.surveyed for row in counts.by_commune) == 48
    assert sum(row.facilities for row in counts.by_commune) == 15


def test_batch_page_shows_the_decisions_figures(client, db, admin, demo):
    html = text_of(client.get(f"/admin/programme/{first_batch(db).id}?lang=en"))
    assert "Surveyed: 48 products of 15 facilities. Approved: 44 products" in html
    assert re.search(r'data-count="surveyed"><strong>48</strong>', html)
    assert re.search(r'data-count="approved"><strong>44</strong>', html)
    assert cell_counts(html, "3") == ["31", "31"]
    assert cell_counts(html, "4") == ["7", "7"]
    assert cell_counts(html, "pending")[0] == "6"
    assert "(4 certificates expired since)" in html
    assert "HTX Nước mắm Cát Hải (demo)" in html  # by facility
    assert "Đặc khu Cát Hải" in html  # by commune
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg"') == 2


def test_batch_counts_take_three_queries_however_many_entries(db, demo, count_queries):
    batch = first_batch(db)
    with count_queries() as queries:
        programme.batch_counts(batch)
    assert queries.count == 3


def test_batch_list_counts_each_batch(client, db, admin, demo):
    rows = programme.batch_list()
    assert [(row.surveyed, row.approved) for row in rows] == [(48, 44)]
    html = text_of(client.get("/admin/programme?lang=en"))
    assert (
        "Batch 1, 2023" in html
        and '<td class="num">48</td>' in html
        and '<td class="num">44</td>' in html
    )


def test_entries_can_be_filtered_by_status(client, db, admin, demo):
    batch = first_batch(db)
    html = text_of(client.get(f"/admin/programme/{batch.id}?status=rejected&lang=en"))
    assert len(re.findall(r'<tr id="entry-\d+">', html)) == 1
    assert "Beef roll" in html
    everything = text_of(client.get(f"/admin/programme/{batch.id}?status=bogus"))
    assert len(re.findall(r'<tr id="entry-\d+">', everything)) == 48


# OCOP ratings: which certificate counts --------------------------------------------------


def test_latest_issued_certificate_decides_the_rating(db, make_product, make_ocop):
    today = local_today()
    upgraded = make_product(gtin=None, name_vi="Lên hạng")
    make_ocop(upgraded, stars=3, issued_on=add_months(today, -30))
    make_ocop(upgraded, stars=4, issued_on=add_months(today, -2))
    revoked = make_product(gtin=None, name_vi="Bị thu hồi")
    make_ocop(revoked, stars=4, issued_on=add_months(today, -5), revoked_on=today)
    waiting = make_product(gtin=None, name_vi="Chờ")
    make_ocop(waiting, stars=None, issued_on=None, number=None)
    lapsed = make_product(gtin=None, name_vi="Hết hạn")
    make_ocop(lapsed, stars=3, issued_on=add_months(today, -40))
    two_stars = make_product(gtin=None, name_vi="Hai sao")
    make_ocop(two_stars, stars=2, issued_on=add_months(today, -1))
    plain = make_product(gtin=None, name_vi="Không OCOP")
    db.session.add(Certification(product=plain, kind=CertificationKind.VIETGAP, issued_on=today))
    db.session.commit()
    ratings = programme.product_ratings(
        [p.id for p in (upgraded, revoked, waiting, lapsed, two_stars, plain)]
    )
    assert ratings[upgraded.id] == programme.Rating("4")
    assert ratings[revoked.id] == programme.Rating("none")
    assert ratings[waiting.id] == programme.Rating("pending")
    assert ratings[lapsed.id] == programme.Rating("3", expired=True)
    assert ratings[lapsed.id].current_key == "expired"
    assert ratings[two_stars.id] == programme.Rating("none")
    assert ratings[plain.id] == programme.Rating("none")


# Batches: open and edit --------------------------------------------------------------------


def test_admin_opens_a_batch(client, db, admin):
    response = client.post(
        "/admin/programme/new",
        data={"name_vi": "Đợt 1 năm 2026", "name_en": "Batch 1, 2026", "year": "2026",
              "decision": "Quyết định số 12/QĐ-SKHCN"},
    )  # fmt: skip
    batch = db.session.scalar(select(ProgrammeBatch))
    assert response.headers["Location"] == f"/admin/programme/{batch.id}"
    assert (batch.name_vi, batch.year, batch.decision) == (
        "Đợt 1 năm 2026",
        2026,
        "Quyết định số 12/QĐ-SKHCN",
    )
    page = text_of(client.get(f"/admin/programme/{batch.id}?lang=en"))
    assert "Surveyed: 0 products of 0 facilities." in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name_vi": "", "year": "2026"}, "Enter the batch's name in Vietnamese"),
        ({"name_vi": "Đợt 2", "year": ""}, "Enter the year of the batch."),
        ({"name_vi": "Đợt 2", "year": "hai nghìn"}, "Enter a whole number"),
        ({"name_vi": "Đợt 2", "year": "1890"}, "Enter a number from"),
        ({"name_vi": "Đợt 2", "year": "2026", "name_en": "x" * 201}, "Too long"),
    ],
)
def test_bad_batch_input_is_explained_and_nothing_is_written(client, db, admin, data, message):
    response = client.post("/admin/programme/new?lang=en", data=data)
    assert response.status_code == 200
    assert message in text_of(response)
    assert count_rows(db, ProgrammeBatch) == 0


def test_a_batch_name_is_used_once(client, db, admin):
    client.post("/admin/programme/new", data={"name_vi": "Đợt 1 năm 2026", "year": "2026"})
    for name in ("Đợt 1 năm 2026", "Đợt 1 NĂM 2026 "):
        response = client.post(
            "/admin/programme/new?lang=en", data={"name_vi": name, "year": "2026"}
        )
        assert "Another batch of that year already has this name." in text_of(response), name
    assert count_rows(db, ProgrammeBatch) == 1
    other_year = client.post("/admin/programme/new", data={"name_vi": "Đợt 1", "year": "2027"})
    assert other_year.status_code == 302


def test_admin_edits_a_batch(client, db, admin, demo):
    batch = first_batch(db)
    form = text_of(client.get(f"/admin/programme/{batch.id}/edit"))
    assert 'value="Đợt 1 năm 2023"' in form and 'value="2023"' in form
    response = client.post(
        f"/admin/programme/{batch.id}/edit",
        data={"name_vi": "Đợt 1 năm 2023", "name_en": "Batch 1, 2023", "year": "2023",
              "decision": "Quyết định số 1234/QĐ-SKHCN ngày 20/10/2023"},
    )  # fmt: skip
    assert response.status_code == 302
    db.session.expire_all()
    assert first_batch(db).decision == "Quyết định số 1234/QĐ-SKHCN ngày 20/10/2023"


def test_editing_a_batch_refuses_bad_input(client, db, admin, demo):
    batch = first_batch(db)
    response = client.post(
        f"/admin/programme/{batch.id}/edit?lang=en", data={"name_vi": "", "year": "2023"}
    )
    assert "Enter the batch's name in Vietnamese" in text_of(response)
    db.session.expire_all()
    assert first_batch(db).name_vi == "Đợt 1 năm 2023"


# Entries: add products, change their status ------------------------------------------------


@pytest.fixture
def batch(db):
    batch = ProgrammeBatch(name_vi="Đợt 1 năm 2026", year=2026)
    db.session.add(batch)
    db.session.commit()
    return batch


def test_admin_adds_products_to_a_batch(client, db, admin, batch, make_product, make_producer):
    sauce = make_product()
    honey = make_product(gtin=None, name_vi="Mật ong rừng", name_en=None, producer=make_producer())
    page = text_of(client.get(f"/admin/programme/{batch.id}/add?lang=en"))
    assert "Mật ong rừng" in page and "Cat Hai anchovy fish sauce" in page
    assert '<option selected value="surveyed">' in page
    response = client.post(
        f"/admin/programme/{batch.id}/add",
        data={"product_ids": [sauce.id, honey.id], "status": "surveyed"},
    )
    assert response.status_code == 302
    entries = db.session.scalars(select(BatchEntry).where(BatchEntry.batch_id == batch.id)).all()
    assert {entry.product_id for entry in entries} == {sauce.id, honey.id}
    assert {entry.status for entry in entries} == {BatchEntryStatus.SURVEYED}
    # Products already in the batch are no longer offered.
    again = text_of(client.get(f"/admin/programme/{batch.id}/add?lang=en"))
    assert "No product outside this batch matches." in again


def test_adding_searches_products_by_name_gtin_or_facility(
    client, db, admin, batch, make_product, make_producer
):
    make_product()
    make_product(gtin=None, name_vi="Mật ong rừng", producer=make_producer(name_vi="HTX Gia Luận"))
    for query in ("Mật ong", "Gia Luận"):
        page = text_of(client.get(f"/admin/programme/{batch.id}/add", query_string={"q": query}))
        assert "Mật ong rừng" in page and "Nước mắm cá cơm" not in page
    page = text_of(client.get(f"/admin/programme/{batch.id}/add?q=0952012345"))
    assert "Nước mắm cá cơm" in page and "Mật ong" not in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"status": "surveyed"}, "Choose at least one product."),
        ({"product_ids": "PRODUCT", "status": "rejected"}, "Say which criteria"),
        ({"product_ids": "PRODUCT", "status": "pending_documents", "criteria_notes": " "},
         "Say which criteria"),
        ({"product_ids": "PRODUCT", "status": "sold"}, "Choose one of the options."),
        ({"product_ids": "999", "status": "surveyed"}, "is not a valid choice"),
    ],
)  # fmt: skip
def test_bad_additions_are_explained_and_nothing_is_written(
    client, db, admin, batch, make_product, data, message
):
    product = make_product()
    data = {key: str(product.id) if value == "PRODUCT" else value for key, value in data.items()}
    response = client.post(f"/admin/programme/{batch.id}/add?lang=en", data=data)
    assert response.status_code == 200
    assert message in text_of(response)
    assert count_rows(db, BatchEntry) == 0


def test_a_product_is_entered_once_per_batch(app, db, batch, make_product):
    product = make_product()
    programme.add_products(batch, [product.id])
    db.session.commit()
    with app.test_request_context(), pytest.raises(programme.FieldError) as refused:
        programme.add_products(batch, [product.id])
    assert refused.value.field == "product_ids"
    db.session.rollback()
    assert count_rows(db, BatchEntry) == 1


def test_admin_changes_an_entrys_status_and_the_counts_follow(client, db, admin, demo):
    batch = first_batch(db)
    entry = db.session.scalar(
        select(BatchEntry).where(
            BatchEntry.batch_id == batch.id, BatchEntry.status == BatchEntryStatus.SURVEYED
        )
    )
    page = text_of(client.get(f"/admin/programme/{batch.id}/entries/{entry.id}?lang=en"))
    assert "Criteria notes" in page
    response = client.post(
        f"/admin/programme/{batch.id}/entries/{entry.id}",
        data={"status": "approved", "criteria_notes": "Đạt đủ tiêu chí sau khảo sát bổ sung."},
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"#entry-{entry.id}")
    db.session.expire_all()
    counts = programme.batch_counts(first_batch(db))
    assert (counts.approved, counts.undecided, counts.surveyed) == (45, 1, 48)


def test_a_rejection_must_say_why(client, db, admin, demo):
    batch = first_batch(db)
    entry = db.session.scalar(
        select(BatchEntry).where(
            BatchEntry.batch_id == batch.id, BatchEntry.status == BatchEntryStatus.APPROVED
        )
    )
    response = client.post(
        f"/admin/programme/{batch.id}/entries/{entry.id}?lang=en",
        data={"status": "rejected", "criteria_notes": ""},
    )
    assert response.status_code == 200
    assert "Say which criteria the product does not meet yet" in text_of(response)
    db.session.expire_all()
    assert db.session.get(BatchEntry, entry.id).status is BatchEntryStatus.APPROVED
    bad = client.post(
        f"/admin/programme/{batch.id}/entries/{entry.id}?lang=en", data={"status": "maybe"}
    )
    assert "Choose one of the options." in text_of(bad)


def test_unknown_batches_and_entries_are_not_found(client, db, admin, demo, batch):
    demo_batch = first_batch(db)
    entry = db.session.scalar(select(BatchEntry).where(BatchEntry.batch_id == demo_batch.id))
    assert client.get("/admin/programme/999").status_code == 404
    assert client.get("/admin/programme/999/edit").status_code == 404
    assert client.get("/admin/programme/999/add").status_code == 404
    # An entry looked up through another batch does not exist there.
    assert client.get(f"/admin/programme/{batch.id}/entries/{entry.id}").status_code == 404
    assert (
        client.post(
            f"/admin/programme/{batch.id}/entries/{entry.id}", data={"status": "approved"}
        ).status_code
        == 404
    )


def test_dates_in_counts_follow_today(db, batch, make_product, make_ocop):
    product = make_product()
    make_ocop(product, stars=3, issued_on=add_months(local_today(), -36) - timedelta(days=1))
    programme.add_products(batch, [product.id], BatchEntryStatus.APPROVED)
    db.session.commit()
    counts = programme.batch_counts(batch)
    assert counts.by_rating["3"].approved == 1 and counts.by_rating["3"].expired_approved == 1
    earlier = programme.batch_counts(batch, today=local_today() - timedelta(days=30))
    assert earlier.by_rating["3"].expired_approved == 0
    assert date.today()  # the clock itself is not patched
