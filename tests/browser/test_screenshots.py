"""Phone-sized screenshots of the main pages, for the README.

Every run takes them (a page that fails to render fails here) into a temporary
folder; with SAVE_SCREENSHOTS=1 they replace the ones in docs/screenshots/:

    SAVE_SCREENSHOTS=1 .venv/bin/pytest -q tests/browser/test_screenshots.py

Each is one phone screen (390 x 844 CSS pixels at 2x), kept small enough to commit.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from PIL import Image

from .conftest import INSPECTOR_EMAIL, PHONE, PRODUCER_EMAIL, sign_in_through_form

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
MAX_BYTES = 150_000
# The lot page's "Item codes" heading: the one just before the issuing form.
ITEM_CODES_HEADING = "h2:has(+ p + form[action$='/serials'])"


@pytest.fixture
def shots(tmp_path) -> Path:
    return DOCS if os.environ.get("SAVE_SCREENSHOTS") == "1" else tmp_path


def save(page, folder: Path, name: str, top: str | None = None) -> Path:
    """Take one screen of the page, scrolled so that the element top is at the top."""
    if top is not None:
        page.locator(top).first.evaluate("element => element.scrollIntoView()")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    with Image.open(io.BytesIO(page.screenshot(animations="disabled", caret="hide"))) as shot:
        assert shot.size == (780, 1688)
        # A page is mostly flat colour: 256 colours keep it sharp at a third of the bytes.
        colours = shot.convert("RGB").quantize(256, method=Image.Quantize.FASTOCTREE)
    colours.save(path, optimize=True)
    assert path.stat().st_size < MAX_BYTES, f"{path.name} is {path.stat().st_size} bytes"
    return path


def test_shopper_screens(demo_site, page, shots):
    page.goto(demo_site.url + demo_site.example_lot + "?lang=vi")
    save(page, shots, "lot-vi")
    save(page, shots, "lot-timeline-vi", top="section:has(> ol.timeline)")
    page.goto(demo_site.url + demo_site.example_lot + "?lang=en")
    save(page, shots, "lot-en")
    page.goto(demo_site.url + demo_site.recalled_lot + "?lang=vi")
    assert page.locator(".banner.recalled").is_visible()
    save(page, shots, "recall-vi")


def test_producer_screens(demo_site, chromium, scanned_items, shots):
    context = chromium.new_context(**PHONE)
    try:
        page = context.new_page()
        sign_in_through_form(page, demo_site, PRODUCER_EMAIL)
        page.goto(f"{demo_site.url}/producer/?lang=vi")
        save(page, shots, "producer-dashboard")

        page.goto(f"{demo_site.url}/producer/lots/{demo_site.example_lot_id}")
        assert f"{len(scanned_items)} mã" in page.locator("main").inner_text()
        save(page, shots, "producer-lot-item-codes", top=ITEM_CODES_HEADING)
        page.goto(f"{demo_site.url}/producer/analytics")
        assert page.locator("main svg").count() >= 1
        save(page, shots, "producer-analytics", top="ul.counts")
    finally:
        context.close()


def test_inspector_screens(demo_site, chromium, shots):
    context = chromium.new_context(**PHONE)
    try:
        page = context.new_page()
        sign_in_through_form(page, demo_site, INSPECTOR_EMAIL)
        page.goto(f"{demo_site.url}/inspect/lots/{demo_site.inspected_lot_id}")
        save(page, shots, "inspector-lot")
    finally:
        context.close()
