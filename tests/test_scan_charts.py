"""The scan report's pictures: the timeline chart and the province bubble map."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from flask_babel import force_locale

from lookup_site import provinces
from lookup_site.services import province_map
from lookup_site.services.charts import time_chart
from lookup_site.services.scan_analytics import ProvinceChecks

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def request_context(app):
    with app.test_request_context():
        yield


def test_timeline_reads_every_value_and_draws_only_checked_days(request_context):
    data = [(f"Day {n}", value) for n, value in enumerate([0, 1234, 0, 617, 5])]
    with force_locale("en"):
        root = ET.fromstring(str(time_chart(data, "Checks per day", ticks={0: "Mon", 3: "Thu"})))
    assert root.get("role") == "img"
    assert root.get("aria-label") == (
        "Checks per day. Day 0: 0; Day 1: 1,234; Day 2: 0; Day 3: 617; Day 4: 5"
    )
    rects = root.findall(f"{SVG}rect")
    assert [rect.find(f"{SVG}title").text for rect in rects] == [
        "Day 1: 1,234",
        "Day 3: 617",
        "Day 4: 5",
    ]
    heights = [float(rect.get("height")) for rect in rects]
    assert heights[1] / heights[0] == pytest.approx(0.5, abs=0.01)
    texts = [text.text for text in root.findall(f"{SVG}text")]
    assert texts == ["1,234", "Mon", "Thu"]  # the highest value, then the ticks
    assert root.find(f".//{SVG}script") is None


def test_timeline_drops_ticks_that_would_overlap(request_context):
    data = [(str(n), n) for n in range(365)]
    ticks = {n: "Tháng 12" for n in range(0, 365, 5)}
    root = ET.fromstring(str(time_chart(data, "t", ticks=ticks)))
    shown = [float(t.get("x")) for t in root.findall(f"{SVG}text")[1:]]
    assert 1 < len(shown) < len(ticks)
    assert all(b - a > len("Tháng 12") * 7 for a, b in zip(shown, shown[1:], strict=False))


def test_timeline_of_nothing_still_renders(request_context):
    for data in ([], [("a", 0)]):
        root = ET.fromstring(str(time_chart(data, "Nothing yet")))
        assert root.findall(f"{SVG}rect") == []


def figures(code: str, first: int, shared: int) -> ProvinceChecks:
    return ProvinceChecks(provinces.BY_CODE[code], first, shared)


def test_map_circles_are_sized_by_first_checks_and_labelled(request_context):
    places = [
        figures("ha-noi", 100, 120),
        figures("ho-chi-minh", 25, 40),
        figures("ca-mau", 0, 3),
        figures("hue", 0, 0),  # nothing shared: a grey dot like any other province
    ]
    with force_locale("vi"):
        root = ET.fromstring(str(province_map.province_map(places, "Lượt kiểm tra đầu tiên")))
    assert root.get("role") == "img" and root.find(f".//{SVG}script") is None
    label = root.get("aria-label")
    assert label.startswith("Lượt kiểm tra đầu tiên. ")
    # Most first checks first; every figure read out, in the page's language.
    assert label.index("Hà Nội") < label.index("TP. Hồ Chí Minh") < label.index("Cà Mau")
    assert "Huế" not in label
    circles = {c.get("data-province"): c for c in root.iter(f"{SVG}circle") if c.get("class")}
    assert set(circles) == {"ha-noi", "ho-chi-minh", "ca-mau"}
    # Area in proportion: a quarter of the first checks, half the radius.
    radius = {code: float(circle.get("r")) for code, circle in circles.items()}
    assert radius["ho-chi-minh"] / radius["ha-noi"] == pytest.approx(0.5, abs=0.01)
    assert radius["ca-mau"] == province_map.MIN_RADIUS
    assert circles["ca-mau"].get("fill") == "#fff"  # shared, but never on a first check
    dots = [c for c in root.iter(f"{SVG}circle") if not c.get("class")]
    assert len(dots) >= len(provinces.PROVINCES)
    names = [t for t in root.iter(f"{SVG}text") if t.get("class") == "name"]
    assert ["".join(t.itertext()) for t in names] == [
        "Hà Nội 100",
        "TP. Hồ Chí Minh 25",
        "Cà Mau 0",
    ]
    texts = "".join(root.itertext())
    assert "Hoàng Sa" in texts and "Trường Sa" in texts


def test_map_names_never_overlap_in_the_delta(request_context):
    crowded = ["ha-noi", "bac-ninh", "hung-yen", "hai-phong", "thai-nguyen", "ninh-binh"]
    root = ET.fromstring(
        str(province_map.province_map([figures(code, 5, 5) for code in crowded], "t"))
    )
    baselines = [float(t.get("y")) for t in root.iter(f"{SVG}text") if t.get("class") == "name"]
    assert baselines == sorted(baselines)
    assert all(
        b - a >= province_map.LINE_HEIGHT for a, b in zip(baselines, baselines[1:], strict=False)
    )
    height = float(root.get("viewBox").split()[3])
    assert baselines[-1] < height


def test_projection_keeps_north_up_and_east_right():
    hanoi = provinces.BY_CODE["ha-noi"]
    ca_mau = provinces.BY_CODE["ca-mau"]
    da_nang = provinces.BY_CODE["da-nang"]
    x_hanoi, y_hanoi = province_map.project(hanoi.lat, hanoi.lon)
    x_ca_mau, y_ca_mau = province_map.project(ca_mau.lat, ca_mau.lon)
    x_da_nang, _ = province_map.project(da_nang.lat, da_nang.lon)
    assert y_hanoi < y_ca_mau and x_ca_mau < x_hanoi < x_da_nang
    for province in provinces.PROVINCES:
        x, y = province_map.project(province.lat, province.lon)
        assert 0 < x < province_map.MAP_WIDTH and 0 < y < province_map.MAP_HEIGHT
