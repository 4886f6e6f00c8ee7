"""The facility profile: editing one's own facility, with every field checked."""

from __future__ import annotations

import html
from decimal import Decimal

import pytest

from lookup_site.models import LegalForm, Role

URL = "/producer/facility?lang=en"
GLN = "9520123450014"
OTHER_GLN = "9520123450021"


def profile(**overrides) -> dict:
    """A complete, valid profile form; overrides replace single fields."""
    fields = {
        "name_vi": "HTX Mật ong Cát Bà (demo)",
        "name_en": "Cat Ba Honey Cooperative (demo)",
        "legal_form": "cooperative",
        "tax_code": "0201234567",
        "street": "Thôn Liên Minh",
        "commune": "Đặc khu Cát Hải",
        "province": "Hải Phòng",
        "former_district": "Huyện Cát Hải",
        "phone": "0225 3888 111",
        "email": "htx@example.vn",
        "website": "https://htx.example.vn",
        "gln": GLN,
        "latitude": "20.727",
        "longitude": "107.048",
        "description_vi": "Mật ong hoa rừng.",
        "description_en": "Wild flower honey.",
    }
    fields.update(overrides)
    return fields


def html_of(response) -> str:
    """The page's text with entities decoded, for comparing messages."""
    return html.unescape(response.get_data(as_text=True))


def test_the_form_shows_the_facility_as_it_is(client, producer_user):
    response = client.get(URL)
    page = html_of(response)
    assert response.status_code == 200
    assert 'value="HTX Nước mắm Cát Hải (demo)"' in page
    assert 'value="Đặc khu Cát Hải"' in page
    assert "Certificates of the facility" in page


def test_saving_the_profile_changes_every_field(client, db, producer_user):
    response = client.post(URL, data=profile(website="htx.example.vn", latitude="20,727123"))
    assert response.status_code == 302
    assert response.headers["Location"] == "/producer/facility"
    db.session.rollback()  # only what was committed counts
    facility = producer_user.producer
    assert facility.name_vi == "HTX Mật ong Cát Bà (demo)"
    assert facility.name_en == "Cat Ba Honey Cooperative (demo)"
    assert facility.legal_form is LegalForm.COOPERATIVE
    assert facility.tax_code == "0201234567"
    assert (facility.street, facility.commune, facility.province) == (
        "Thôn Liên Minh",
        "Đặc khu Cát Hải",
        "Hải Phòng",
    )
    assert facility.former_district == "Huyện Cát Hải"
    assert facility.phone == "0225 3888 111"
    assert facility.email == "htx@example.vn"
    assert facility.website == "https://htx.example.vn"  # a bare host gets its scheme
    assert facility.gln == GLN
    assert facility.latitude == Decimal("20.727123")  # a decimal comma is understood
    assert facility.longitude == Decimal("107.048")
    assert facility.description_en == "Wild flower honey."
    assert "The facility's profile is saved." in html_of(client.get(URL))


def test_coordinates_keep_their_decimal_point_in_vietnamese(client, db, producer_user):
    response = client.post(
        "/producer/facility?lang=vi", data=profile(latitude="20.795", longitude="106,9051234")
    )
    assert response.status_code == 302
    db.session.rollback()
    assert producer_user.producer.latitude == Decimal("20.795")
    assert producer_user.producer.longitude == Decimal("106.905123")  # rounded to 6 places


def test_optional_fields_may_be_emptied(client, db, producer_user):
    emptied = {
        name: ""
        for name in (
            "name_en",
            "tax_code",
            "street",
            "former_district",
            "phone",
            "email",
            "website",
            "gln",
            "latitude",
            "longitude",
            "description_vi",
            "description_en",
        )
    }
    assert client.post(URL, data=profile(**emptied)).status_code == 302
    db.session.rollback()
    facility = producer_user.producer
    assert facility.gln is None and facility.latitude is None and facility.name_en is None


def test_the_public_producer_page_shows_the_new_profile_at_once(client, producer_user):
    client.post(URL, data=profile(name_en="Cat Ba Wild Honey (demo)"))
    page = client.get(f"/producers/{producer_user.producer.id}?lang=en")
    assert "Cat Ba Wild Honey (demo)" in html_of(page)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name_vi", "  ", "Enter the facility's name in Vietnamese."),
        ("name_vi", "x" * 201, "Too long: at most 200 characters."),
        ("commune", "", "Enter the commune or ward."),
        ("province", "", "Enter the province or city."),
        ("legal_form", "corporation", "Choose one of the options."),
        ("tax_code", "12345", "A tax code has 10 digits"),
        ("phone", "call me", "Enter a phone number with digits"),
        ("email", "htx.example.vn", "Enter an e-mail address such as name@example.vn."),
        ("website", "javascript:alert(1)", "Enter the website's address"),
        ("website", "https://not a host", "Enter the website's address"),
        ("gln", "9520123450018", "A location number (GLN) has 13 digits with a valid check digit."),
        ("gln", "952012345001", "A location number (GLN) has 13 digits"),
        ("latitude", "91", "Enter a number from -90 to 90."),
        ("longitude", "-180.5", "Enter a number from -180 to 180."),
        ("latitude", "north", "Enter a number, such as 500 or 0.5."),
        ("longitude", "", "Enter both the latitude and the longitude, or neither."),
    ],
)
def test_bad_input_is_explained_next_to_the_field_and_nothing_is_written(
    client, db, producer_user, field, value, message
):
    before = producer_user.producer.name_vi
    response = client.post(URL, data=profile(**{field: value, "name_en": "Changed (demo)"}))
    page = html_of(response)
    assert response.status_code == 200
    assert message in page
    # The message sits in the field's own block, marked invalid.
    block = page.split(f'name="{field}"')[0].rsplit('<div class="field', 1)[1]
    assert block.startswith(" invalid")
    db.session.rollback()
    assert producer_user.producer.name_vi == before
    assert producer_user.producer.name_en == "Cat Hai Fish Sauce Cooperative (demo)"


def test_a_gln_of_another_facility_is_refused(client, db, make_producer, producer_user):
    make_producer(name_vi="HTX khác (demo)", gln=OTHER_GLN)
    response = client.post(URL, data=profile(gln=f" {OTHER_GLN} "))
    assert response.status_code == 200
    assert "already registered for another facility" in html_of(response)
    db.session.rollback()
    assert producer_user.producer.gln is None


def test_keeping_ones_own_gln_is_fine(client, db, producer_user):
    producer_user.producer.gln = GLN
    db.session.commit()
    assert client.post(URL, data=profile(gln=GLN)).status_code == 302


def test_each_user_edits_only_their_own_facility(client, db, make_user, login, producer_user):
    other = make_user()
    client.post(URL, data=profile(name_vi="Tên mới (demo)"))
    db.session.rollback()
    assert producer_user.producer.name_vi == "Tên mới (demo)"
    assert other.producer.name_vi == "HTX Nước mắm Cát Hải (demo)"


@pytest.mark.parametrize("role", [Role.INSPECTOR, Role.ADMIN])
def test_other_roles_are_refused(client, db, make_user, login, role):
    login(make_user(role))
    assert client.get(URL).status_code == 403
    assert client.post(URL, data=profile()).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
