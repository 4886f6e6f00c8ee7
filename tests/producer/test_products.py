"""Products and certificates in the workspace: forms, GS1 rules, ownership, roles."""

from __future__ import annotations

import html
import io
import re
from datetime import date
from decimal import Decimal

import pytest
from PIL import Image
from sqlalchemy import func, select

from lookup_site import create_app
from lookup_site.extensions import db as _db
from lookup_site.models import (
    Certification,
    CertificationKind,
    GrantingLevel,
    MediaKind,
    OcopGroup,
    Product,
    Role,
)

GTIN = "09520123450007"
OTHER_GTIN = "09520123450014"


def product_form(**overrides) -> dict:
    fields = {
        "name_vi": "Mật ong hoa rừng Cát Bà",
        "name_en": "Cat Ba wild flower honey",
        "ocop_group": "food",
        "gtin": "952 0123 45001 4",
        "net_content": "0,5",
        "net_content_unit": "l",
        "brand": "Cát Bà Honey",
        "standards": "TCVN 12605:2019",
        "shelf_life_days": "730",
        "description_vi": "Mật ong hoa rừng.",
        "description_en": "Wild flower honey.",
    }
    fields.update(overrides)
    return fields


def certification_form(**overrides) -> dict:
    fields = {
        "kind": "ocop",
        "ocop_stars": "4",
        "granting_level": "province",
        "number": "OCOP-HP-2025-017",
        "issuer": "UBND thành phố Hải Phòng",
        "issued_on": "2025-09-15",
        "valid_until": "",
        "revoked_on": "",
        "name_vi": "",
        "name_en": "",
        "notes": "",
    }
    fields.update(overrides)
    return fields


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def count(model) -> int:
    return _db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def facility(producer_user):
    return producer_user.producer


@pytest.fixture
def own_product(make_product, facility):
    return make_product(producer=facility)


# The list ---------------------------------------------------------------------------------------


def test_the_list_shows_own_products_with_lots_and_readiness(
    client, make_product, make_lot, make_user, facility
):
    honey = make_product(producer=facility, name_vi="Mật ong", name_en=None, gtin=OTHER_GTIN)
    make_product(producer=facility, name_vi="Nước mắm", name_en=None, gtin=GTIN)
    make_lot(honey, "MO-1")
    make_lot(honey, "MO-2")
    make_product(
        producer=make_user().producer, name_vi="Sản phẩm của người khác", name_en=None, gtin=None
    )
    page = text(client.get("/producer/products?lang=en"))
    assert "Mật ong" in page and "Nước mắm" in page
    assert "Sản phẩm của người khác" not in page
    rows = re.findall(r"<tr>.*?</tr>", page, re.S)
    honey_row = next(row for row in rows if "Mật ong" in row)
    assert "<td>2</td>" in honey_row
    assert re.search(r'class="readiness missing">\d+/10 items<', honey_row)


def test_an_empty_list_invites_to_add_a_product(client, facility):
    page = text(client.get("/producer/products?lang=en"))
    assert "No products yet" in page
    assert 'href="/producer/products/new"' in page


# Registering ------------------------------------------------------------------------------------


def test_a_product_is_registered_with_its_gtin_as_gtin14(client, db, facility):
    response = client.post("/producer/products/new?lang=en", data=product_form())
    assert response.status_code == 302
    db.session.rollback()
    product = db.session.scalar(select(Product))
    assert response.headers["Location"] == f"/producer/products/{product.id}"
    assert product.producer_id == facility.id
    assert product.gtin == OTHER_GTIN
    assert product.ocop_group is OcopGroup.FOOD
    assert product.net_content == Decimal("0.5") and product.net_content_unit == "l"
    assert product.shelf_life_days == 730
    assert (product.brand, product.standards) == ("Cát Bà Honey", "TCVN 12605:2019")
    assert product.name_en == "Cat Ba wild flower honey"
    assert product.image_media is None


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("02345673", "00000002345673"), ("416000336108", "00416000336108"), ("", None)],
)
def test_short_gtins_are_padded_and_the_gtin_is_optional(client, db, facility, typed, stored):
    assert client.post("/producer/products/new", data=product_form(gtin=typed)).status_code == 302
    db.session.rollback()
    assert db.session.scalar(select(Product.gtin)) == stored


def test_only_the_vietnamese_name_is_required(client, db, facility):
    response = client.post(
        "/producer/products/new",
        data={"name_vi": "Gạo ruộng rươi", "ocop_group": "", "net_content_unit": ""},
    )
    assert response.status_code == 302
    db.session.rollback()
    product = db.session.scalar(select(Product))
    assert product.name_vi == "Gạo ruộng rươi"
    assert product.gtin is None and product.ocop_group is None and product.net_content is None


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name_vi", " ", "Enter the product's name in Vietnamese."),
        ("name_en", "x" * 201, "Too long: at most 200 characters."),
        ("gtin", "9520123450008", "its last digit, the check digit, should be 7"),
        ("gtin", "95201234500", "A product code (GTIN) has 8, 12, 13 or 14 digits"),
        ("gtin", "9520123A50007", "A product code (GTIN) contains digits only."),
        ("ocop_group", "snacks", "Choose one of the options."),
        ("net_content", "nửa lít", "Enter a number, such as 500 or 0.5."),
        ("net_content", "0", "Enter a number from 0.001 to 999,999,999."),
        ("net_content", "0.1234", "Enter at most 3 digits after the decimal mark."),
        ("net_content", "1,200", "Type the number without a thousands separator"),
        ("net_content_unit", "", "Choose the unit of the net content."),
        ("net_content_unit", "barrel", "Choose one of the options."),
        ("shelf_life_days", "1.5", "Enter a whole number, such as 180."),
        ("shelf_life_days", "0", "Enter a number from 1 to 3,650."),
        ("standards", "x" * 301, "Too long: at most 300 characters."),
    ],
)
def test_bad_product_input_is_explained_and_nothing_is_written(
    client, db, facility, field, value, message
):
    response = client.post("/producer/products/new?lang=en", data=product_form(**{field: value}))
    page = text(response)
    assert response.status_code == 200
    assert message in page
    block = page.split(f'name="{field}"')[0].rsplit('<div class="field', 1)[1]
    assert block.startswith(" invalid")
    db.session.rollback()
    assert count(Product) == 0


def test_the_forms_open_empty(client, facility):
    assert 'name="name_vi"' in text(client.get("/producer/products/new?lang=en"))
    page = text(client.get("/producer/facility/certifications/new?lang=en"))
    assert "Certificate of the facility as a whole." in page
    assert '<option value="ocop">OCOP</option>' in page


def test_a_vietnamese_thousands_separator_is_not_mistaken_for_a_decimal_point(client, db, facility):
    response = client.post("/producer/products/new?lang=vi", data=product_form(net_content="1.200"))
    block = text(response).split('name="net_content"')[0].rsplit('<div class="field', 1)[1]
    assert block.startswith(" invalid")
    assert count(Product) == 0
    client.post("/producer/products/new?lang=vi", data=product_form(net_content="1200"))
    db.session.rollback()
    assert db.session.scalar(select(Product.net_content)) == Decimal("1200")


def test_a_unit_without_an_amount_is_refused(client, db, facility):
    response = client.post("/producer/products/new?lang=en", data=product_form(net_content=""))
    assert "Enter the net content, or leave the unit empty." in text(response)
    assert count(Product) == 0


def test_a_gtin_registered_by_anyone_is_refused(client, db, make_product, make_user, facility):
    make_product(producer=make_user().producer, gtin=OTHER_GTIN)
    response = client.post("/producer/products/new?lang=en", data=product_form())
    page = text(response)
    assert response.status_code == 200
    assert f"The product code (GTIN) {OTHER_GTIN} is already registered" in page
    db.session.rollback()
    assert count(Product) == 1


# Viewing and editing ----------------------------------------------------------------------------


def test_the_product_page_shows_details_checklist_certificates_and_lots(
    client, make_lot, make_ocop, own_product
):
    make_lot(own_product, "CH-01")
    make_ocop(own_product, stars=4, issued_on=date(2025, 3, 1))
    page = text(client.get(f"/producer/products/{own_product.id}?lang=en"))
    assert "<h1>Nước mắm cá cơm Cát Hải</h1>" in page
    assert f"<code>{GTIN}</code>" in page
    assert "500 ml" in page and "TCVN 5107:2018" in page and "Food" in page
    assert '<ul class="checklist">' in page
    assert page.count('<li class="ok"') + page.count('<li class="missing"') == 10
    assert "Ready for the national portal:" in page
    assert "CH-01" in page
    assert "OCOP" in page and "★★★★" in page
    assert f'href="/01/{GTIN}"' in page  # the public page


def test_the_edit_form_is_filled_in(client, own_product):
    page = text(client.get(f"/producer/products/{own_product.id}/edit?lang=en"))
    assert 'value="Nước mắm cá cơm Cát Hải"' in page
    assert f'value="{GTIN}"' in page
    assert '<option selected value="food">' in page
    assert '<option selected value="ml">' in page
    assert 'name="net_content" type="text" value="500"' in page


def test_edited_names_show_on_the_public_page_at_once(client, db, own_product):
    response = client.post(
        f"/producer/products/{own_product.id}/edit",
        data=product_form(gtin=GTIN, name_vi="Nước mắm nhĩ Cát Hải", name_en="First-press sauce"),
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"/producer/products/{own_product.id}"
    assert "Nước mắm nhĩ Cát Hải" in text(client.get(f"/01/{GTIN}?lang=vi"))
    assert "First-press sauce" in text(client.get(f"/01/{GTIN}?lang=en"))


def test_the_gtin_may_change_while_no_lot_carries_it(client, db, own_product):
    client.post(f"/producer/products/{own_product.id}/edit", data=product_form(gtin=OTHER_GTIN))
    db.session.rollback()
    assert own_product.gtin == OTHER_GTIN


@pytest.mark.parametrize("new_gtin", [OTHER_GTIN, ""])
def test_the_gtin_of_a_product_with_lots_cannot_change(client, db, make_lot, own_product, new_gtin):
    make_lot(own_product)
    edit = f"/producer/products/{own_product.id}/edit?lang=en"
    assert "can no longer change" in text(client.get(edit))
    response = client.post(edit, data=product_form(gtin=new_gtin, name_vi="Tên mới"))
    page = text(response)
    assert response.status_code == 200
    assert f"carry the product code {GTIN}, so it cannot change" in page
    db.session.rollback()
    assert own_product.gtin == GTIN
    assert own_product.name_vi == "Nước mắm cá cơm Cát Hải"  # nothing else was saved either


def test_a_gtin_may_be_added_to_a_product_whose_lots_use_short_codes(
    client, db, make_product, make_lot, facility
):
    product = make_product(producer=facility, gtin=None)
    make_lot(product)
    client.post(f"/producer/products/{product.id}/edit", data=product_form(gtin=OTHER_GTIN))
    db.session.rollback()
    assert product.gtin == OTHER_GTIN


def test_editing_to_a_taken_gtin_is_refused(client, db, make_product, make_user, own_product):
    make_product(producer=make_user().producer, gtin=OTHER_GTIN)
    response = client.post(
        f"/producer/products/{own_product.id}/edit?lang=en", data=product_form(gtin=OTHER_GTIN)
    )
    assert "is already registered for another product" in text(response)
    db.session.rollback()
    assert own_product.gtin == GTIN


def test_bad_edits_are_refused_and_nothing_is_written(client, db, own_product):
    response = client.post(
        f"/producer/products/{own_product.id}/edit?lang=en",
        data=product_form(gtin=GTIN, name_en="Changed", shelf_life_days="forever"),
    )
    assert "Enter a whole number, such as 180." in text(response)
    db.session.rollback()
    assert own_product.name_en == "Cat Hai anchovy fish sauce"


# Certificates -----------------------------------------------------------------------------------


def test_an_ocop_certificate_gets_36_months_validity(client, db, own_product):
    response = client.post(
        f"/producer/products/{own_product.id}/certifications/new?lang=en",
        data=certification_form(),
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"/producer/products/{own_product.id}"
    db.session.rollback()
    certification = db.session.scalar(select(Certification))
    assert certification.product_id == own_product.id and certification.producer_id is None
    assert certification.kind is CertificationKind.OCOP
    assert certification.ocop_stars == 4
    assert certification.granting_level is GrantingLevel.PROVINCE
    assert certification.valid_until == date(2028, 9, 15)
    page = text(client.get(f"/producer/products/{own_product.id}?lang=en"))
    assert "Certificate saved." in page
    assert "valid until September 15, 2028" in page


def test_dates_typed_by_hand_are_understood(client, db, own_product):
    client.post(
        f"/producer/products/{own_product.id}/certifications/new",
        data=certification_form(issued_on="15/09/2025", valid_until="14.09.2027"),
    )
    db.session.rollback()
    certification = db.session.scalar(select(Certification))
    assert (certification.issued_on, certification.valid_until) == (
        date(2025, 9, 15),
        date(2027, 9, 14),
    )


def test_an_application_without_an_issue_date_is_pending(client, db, own_product):
    client.post(
        f"/producer/products/{own_product.id}/certifications/new",
        data=certification_form(issued_on="", ocop_stars="", granting_level=""),
    )
    page = text(client.get(f"/producer/products/{own_product.id}?lang=en"))
    assert "application pending" in page
    assert '<span class="tag pending">pending</span>' in page


def test_a_facility_certificate_is_listed_on_the_facility_page(client, db, facility):
    response = client.post(
        "/producer/facility/certifications/new?lang=en",
        data=certification_form(
            kind="vietgap", ocop_stars="", granting_level="", issued_on="2025-01-10"
        ),
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/producer/facility"
    db.session.rollback()
    certification = db.session.scalar(select(Certification))
    assert certification.producer_id == facility.id and certification.product_id is None
    assert certification.valid_until is None  # only OCOP has a default validity
    assert "VietGAP" in text(client.get("/producer/facility?lang=en"))


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"kind": ""}, "kind", "Choose the kind of certificate."),
        ({"kind": "halal"}, "kind", "Choose one of the options."),
        ({"ocop_stars": ""}, "ocop_stars", "Enter the number of stars on the OCOP certificate."),
        ({"ocop_stars": "6"}, "ocop_stars", "Choose one of the options."),
        (
            {"kind": "organic", "granting_level": "", "ocop_stars": "3"},
            "ocop_stars",
            "Stars and the granting level apply to OCOP certificates only.",
        ),
        (
            {"kind": "organic", "ocop_stars": ""},
            "granting_level",
            "Stars and the granting level apply to OCOP certificates only.",
        ),
        ({"issued_on": "next week"}, "issued_on", "Enter a date such as 31/12/2025."),
        ({"issued_on": "2025-02-30"}, "issued_on", "Enter a date such as 31/12/2025."),
        (
            {"valid_until": "2025-09-14"},
            "valid_until",
            "The certificate cannot expire before it was issued.",
        ),
        (
            {"issued_on": "", "ocop_stars": "", "revoked_on": "2025-10-01"},
            "revoked_on",
            "An application still pending cannot be revoked",
        ),
        (
            {"revoked_on": "2025-01-01"},
            "revoked_on",
            "The certificate cannot be revoked before it was issued.",
        ),
        ({"number": "x" * 101}, "number", "Too long: at most 100 characters."),
        (
            {"kind": "other", "ocop_stars": "", "granting_level": ""},
            "name_vi",
            "Name the certificate: what does it certify?",
        ),
    ],
)
def test_bad_certificates_are_explained_and_nothing_is_written(
    client, db, own_product, overrides, field, message
):
    response = client.post(
        f"/producer/products/{own_product.id}/certifications/new?lang=en",
        data=certification_form(**overrides),
    )
    page = text(response)
    assert response.status_code == 200
    assert message in page
    block = page.split(f'name="{field}"')[0].rsplit('<div class="field', 1)[1]
    assert block.startswith(" invalid")
    db.session.rollback()
    assert count(Certification) == 0


def test_a_district_grant_after_july_2025_is_saved_with_a_warning(client, db, own_product):
    response = client.post(
        f"/producer/products/{own_product.id}/certifications/new?lang=en",
        data=certification_form(ocop_stars="3", granting_level="district", issued_on="2025-08-01"),
    )
    assert response.status_code == 302
    assert count(Certification) == 1
    page = text(client.get(response.headers["Location"] + "?lang=en"))
    assert "Districts no longer grant OCOP certificates since 1 July 2025" in page


def test_a_district_grant_before_july_2025_is_normal(client, db, own_product):
    response = client.post(
        f"/producer/products/{own_product.id}/certifications/new?lang=en",
        data=certification_form(ocop_stars="3", granting_level="district", issued_on="2024-05-01"),
    )
    page = text(client.get(response.headers["Location"] + "?lang=en"))
    assert "Certificate saved." in page
    assert "Districts no longer grant" not in page


def test_editing_the_issue_date_moves_a_computed_validity(client, db, make_ocop, own_product):
    certification = make_ocop(own_product, issued_on=date(2025, 3, 1))
    assert certification.valid_until == date(2028, 3, 1)
    edit = f"/producer/certifications/{certification.id}/edit?lang=en"
    page = text(client.get(edit))
    assert 'value="2028-03-01"' in page and '<option selected value="4">' in page
    response = client.post(
        edit, data=certification_form(issued_on="2025-04-01", valid_until="2028-03-01")
    )
    assert response.status_code == 302
    db.session.rollback()
    assert certification.valid_until == date(2028, 4, 1)
    client.post(edit, data=certification_form(issued_on="2025-04-01", valid_until="2027-12-31"))
    db.session.rollback()
    assert certification.valid_until == date(2027, 12, 31)  # typed by hand: kept


def test_revoking_a_certificate_shows_it_revoked(client, db, make_ocop, own_product):
    certification = make_ocop(own_product, issued_on=date(2025, 3, 1))
    client.post(
        f"/producer/certifications/{certification.id}/edit",
        data=certification_form(issued_on="2025-03-01", revoked_on="2025-06-01"),
    )
    page = text(client.get(f"/producer/products/{own_product.id}?lang=en"))
    assert '<span class="tag revoked">revoked</span>' in page


def test_a_bad_edit_leaves_the_certificate_as_it_was(client, db, make_ocop, own_product):
    certification = make_ocop(own_product, number="OCOP-1")
    response = client.post(
        f"/producer/certifications/{certification.id}/edit?lang=en",
        data=certification_form(number="OCOP-2", ocop_stars=""),
    )
    assert "Enter the number of stars" in text(response)
    db.session.rollback()
    assert certification.number == "OCOP-1" and certification.ocop_stars == 4


def test_a_certificate_entered_by_mistake_can_be_deleted(client, db, make_ocop, own_product):
    certification = make_ocop(own_product)
    response = client.post(f"/producer/certifications/{certification.id}/delete")
    assert response.headers["Location"] == f"/producer/products/{own_product.id}"
    db.session.rollback()
    assert count(Certification) == 0


# Ownership and roles ----------------------------------------------------------------------------


@pytest.fixture
def others(db, make_user, make_product, make_ocop):
    """Another facility's product, product certificate and facility certificate."""
    other = make_user().producer
    product = make_product(producer=other, gtin=OTHER_GTIN)
    product_certificate = make_ocop(product)
    facility_certificate = Certification(
        producer=other, kind=CertificationKind.VIETGAP, issued_on=date(2025, 1, 1)
    )
    db.session.add(facility_certificate)
    db.session.commit()
    return product, product_certificate, facility_certificate


def test_another_producers_ids_are_not_found_on_every_route(client, db, facility, others):
    product, product_certificate, facility_certificate = others
    routes = [
        ("GET", f"/producer/products/{product.id}", None),
        ("GET", f"/producer/products/{product.id}/edit", None),
        ("POST", f"/producer/products/{product.id}/edit", product_form(gtin=OTHER_GTIN)),
        ("GET", f"/producer/products/{product.id}/certifications/new", None),
        ("POST", f"/producer/products/{product.id}/certifications/new", certification_form()),
    ]
    for certificate in (product_certificate, facility_certificate):
        routes += [
            ("GET", f"/producer/certifications/{certificate.id}/edit", None),
            ("POST", f"/producer/certifications/{certificate.id}/edit", certification_form()),
            ("POST", f"/producer/certifications/{certificate.id}/delete", {}),
        ]
    for method, url, data in routes:
        response = client.open(url, method=method, data=data)
        assert response.status_code == 404, (method, url)
    db.session.rollback()
    assert product.name_vi == "Nước mắm cá cơm Cát Hải"
    assert count(Certification) == 2
    assert product_certificate.number == "OCOP-HP-2025-001"


def test_ids_that_do_not_exist_are_not_found(client, facility):
    assert client.get("/producer/products/999999").status_code == 404
    assert client.get("/producer/certifications/999999/edit").status_code == 404


@pytest.mark.parametrize("role", [Role.INSPECTOR, Role.ADMIN])
def test_other_roles_are_refused_on_every_route(client, db, make_user, login, others, role):
    product, certificate, _facility_certificate = others
    login(make_user(role))
    for method, url in [
        ("GET", "/producer/products"),
        ("GET", "/producer/products/new"),
        ("POST", "/producer/products/new"),
        ("GET", f"/producer/products/{product.id}"),
        ("POST", f"/producer/products/{product.id}/edit"),
        ("POST", f"/producer/products/{product.id}/certifications/new"),
        ("POST", "/producer/facility/certifications/new"),
        ("POST", f"/producer/certifications/{certificate.id}/edit"),
        ("POST", f"/producer/certifications/{certificate.id}/delete"),
    ]:
        assert client.open(url, method=method).status_code == 403, (method, url)
    assert count(Certification) == 2


@pytest.fixture
def csrf_client(app_config):
    app = create_app({**app_config, "WTF_CSRF_ENABLED": True})
    with app.app_context():
        _db.create_all()
        yield app.test_client()
        _db.session.remove()
        _db.engine.dispose()


def test_product_forms_without_a_csrf_token_are_refused(csrf_client):
    from lookup_site.models import LegalForm, Producer
    from lookup_site.services import accounts

    producer = Producer(
        legal_form=LegalForm.HOUSEHOLD, name_vi="Hộ kinh doanh (demo)", commune="X", province="Y"
    )
    _db.session.add(producer)
    _db.session.flush()
    user = accounts.create_user("csrf@example.vn", "correct horse battery", Role.PRODUCER, producer)
    _db.session.commit()
    with csrf_client.session_transaction() as session:
        session["_user_id"] = user.get_id()
    response = csrf_client.post("/producer/products/new?lang=en", data=product_form())
    assert response.status_code == 400
    _db.session.rollback()
    assert count(Product) == 0
    form = csrf_client.get("/producer/products/new").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
    response = csrf_client.post(
        "/producer/products/new", data={**product_form(), "csrf_token": token}
    )
    assert response.status_code == 302


# Uploads (kept last: they exercise the media service) -------------------------------------------


def png_upload(name: str = "honey.png") -> tuple[io.BytesIO, str]:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "orange").save(buffer, "PNG")
    buffer.seek(0)
    return buffer, name


def pdf_upload() -> tuple[io.BytesIO, str]:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    buffer.seek(0)
    return buffer, "ocop.pdf"


def test_a_product_photo_is_stored_and_shown(client, db, facility):
    response = client.post(
        "/producer/products/new",
        data={**product_form(), "photo": png_upload()},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    db.session.rollback()
    product = db.session.scalar(select(Product))
    assert product.image_media.kind is MediaKind.IMAGE
    assert product.image_media.producer_id == facility.id
    page = text(client.get(f"/producer/products/{product.id}?lang=en"))
    assert f'src="/media/{product.image_media.id}/thumb"' in page
    assert '<li class="ok" data-item="images">' in page


def test_a_photo_can_be_replaced_and_removed(client, db, own_product):
    edit = f"/producer/products/{own_product.id}/edit"
    client.post(
        edit,
        data={**product_form(gtin=GTIN), "photo": png_upload()},
        content_type="multipart/form-data",
    )
    db.session.rollback()
    first = own_product.image_media_id
    assert first is not None
    client.post(edit, data=product_form(gtin=GTIN))  # no new photo: the old one stays
    db.session.rollback()
    assert own_product.image_media_id == first
    client.post(edit, data=product_form(gtin=GTIN, remove_photo="y"))
    db.session.rollback()
    assert own_product.image_media_id is None


def test_a_file_that_is_not_a_photo_is_refused(client, db, facility):
    response = client.post(
        "/producer/products/new?lang=en",
        data={**product_form(), "photo": (io.BytesIO(b"MZ\x90\x00 not an image"), "photo.jpg")},
        content_type="multipart/form-data",
    )
    page = text(response)
    assert response.status_code == 200
    block = page.split('name="photo"')[0].rsplit('<div class="field', 1)[1]
    assert block.startswith(" invalid")
    assert "Upload a photo in JPEG, PNG or WebP format." in page
    db.session.rollback()
    assert count(Product) == 0


def test_a_certificate_scan_is_stored(client, db, own_product):
    response = client.post(
        f"/producer/products/{own_product.id}/certifications/new",
        data={**certification_form(), "scan": pdf_upload()},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    db.session.rollback()
    certification = db.session.scalar(select(Certification))
    assert certification.document.kind is MediaKind.DOCUMENT
    assert certification.document.content_type == "application/pdf"
    client.post(
        f"/producer/certifications/{certification.id}/edit",
        data=certification_form(remove_scan="y"),
    )
    db.session.rollback()
    assert certification.document_id is None


def test_a_scan_that_is_not_a_pdf_or_photo_is_refused(client, db, own_product):
    response = client.post(
        f"/producer/products/{own_product.id}/certifications/new?lang=en",
        data={**certification_form(), "scan": (io.BytesIO(b"plain text"), "ocop.pdf")},
        content_type="multipart/form-data",
    )
    page = text(response)
    block = page.split('name="scan"')[0].rsplit('<div class="field', 1)[1]
    assert block.startswith(" invalid")
    assert "Upload the document as a PDF file or as a photo" in page
    db.session.rollback()
    assert count(Certification) == 0
