"""Server-drawn SVG charts: valid XML, accessible, numbers in the page's language."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from flask_babel import force_locale

from lookup_site.services.charts import Datum, bar_chart, column_chart

SVG = "{http://www.w3.org/2000/svg}"
DATA = [("OCOP 3★", 1234), ("OCOP 4★", 7), ("Chưa có <OCOP> & khác", 0)]


@pytest.fixture
def request_context(app):
    with app.test_request_context():
        yield


@pytest.mark.parametrize("draw", [bar_chart, column_chart])
def test_charts_are_valid_accessible_svg(request_context, draw):
    with force_locale("en"):
        markup = draw(DATA, "Products by OCOP rating")
    root = ET.fromstring(str(markup))
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    label = root.get("aria-label")
    assert label.startswith("Products by OCOP rating.")
    assert "OCOP 3★: 1,234" in label and "Chưa có <OCOP> & khác: 0" in label
    assert root.find(f"{SVG}title").text == "Products by OCOP rating"
    groups = root.findall(f"{SVG}g")
    assert len(groups) == 3
    assert [group.find(f"{SVG}title").text for group in groups][0] == "OCOP 3★: 1,234"
    texts = "".join(root.itertext())
    assert "1,234" in texts and "OCOP 4★" in texts
    assert root.find(f".//{SVG}script") is None
    assert "href" not in str(markup)  # nothing to fetch


@pytest.mark.parametrize("draw", [bar_chart, column_chart])
def test_bars_are_proportional_and_zero_draws_nothing(request_context, draw):
    root = ET.fromstring(str(draw(DATA, "t")))
    rects = root.findall(f".//{SVG}rect")
    size = "width" if draw is bar_chart else "height"
    lengths = [float(rect.get(size)) for rect in rects]
    assert lengths[0] > lengths[1] > 0 and lengths[2] == 0
    assert lengths[1] / lengths[0] == pytest.approx(7 / 1234, abs=0.001)  # drawn to 0.1


def test_numbers_follow_the_language(request_context):
    with force_locale("vi"):
        root = ET.fromstring(str(bar_chart(DATA, "Sản phẩm")))
    assert "1.234" in "".join(root.itertext())


@pytest.mark.parametrize("draw", [bar_chart, column_chart])
def test_empty_and_all_zero_charts_still_render(request_context, draw):
    for data in ([], [("a", 0), ("b", 0)]):
        root = ET.fromstring(str(draw(data, "Nothing yet")))
        assert root.get("role") == "img"


def test_long_labels_are_shortened_on_screen_but_read_in_full(request_context):
    long = "Dịch vụ du lịch cộng đồng, du lịch sinh thái và điểm du lịch"
    root = ET.fromstring(str(bar_chart([Datum(long, 3)], "Groups")))
    shown = root.find(f"{SVG}g").findall(f"{SVG}text")[0].text
    assert shown.endswith("…") and len(shown) < len(long)
    assert long in root.get("aria-label")
    assert root.find(f"{SVG}g").find(f"{SVG}title").text == f"{long}: 3"


def test_a_bar_can_have_its_own_colour(request_context):
    root = ET.fromstring(str(column_chart([Datum("Expired", 4, "#b45309")], "t")))
    assert root.find(f".//{SVG}rect").get("fill") == "#b45309"
