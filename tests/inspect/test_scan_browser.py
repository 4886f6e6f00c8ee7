"""The camera scan page in a real browser.

The site runs on a free localhost port in a background thread; headless Chromium
(Debian's package, driven by the playwright package without its own browser
download) signs in as an inspector through the form, opens the scan page and
reads the lot's QR code from a fake camera whose picture is the QR label, made
into a Y4M video. The browser must land on the inspector's view of that lot.
Skipped only when /usr/bin/chromium is missing (.ci/run installs it).
"""

from __future__ import annotations

import io
import threading
import time
from pathlib import Path

import pytest
from PIL import Image
from werkzeug.serving import WSGIRequestHandler, make_server

from lookup_site.links import lot_qr_url
from lookup_site.models import Role
from lookup_site.services import qr

CHROMIUM = Path("/usr/bin/chromium")
PASSWORD = "correct horse battery"
# Quiet, offline, container-safe: no sandbox (root in CI), no GPU, no background traffic.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
FRAME = (640, 480)

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium"
)


def write_y4m(png: bytes, path: Path, side: int = 400) -> Path:
    """Put the QR image on a white 640x480 frame and save it as a Y4M video (4:2:0).

    Chromium's fake camera loops the file's frames; greyscale means the chroma
    planes are all 128.
    """
    width, height = FRAME
    code = Image.open(io.BytesIO(png)).convert("L").resize((side, side), Image.Resampling.NEAREST)
    frame = Image.new("L", FRAME, 255)
    frame.paste(code, ((width - side) // 2, (height - side) // 2))
    chroma = bytes([128]) * (width // 2 * height // 2)
    with path.open("wb") as video:
        video.write(f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(2):
            video.write(b"FRAME\n" + frame.tobytes() + chroma + chroma)
    return path


class QuietHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs) -> None:
        """Keep the test output free of one access-log line per request."""


@pytest.fixture
def live_server(app):
    """Serve the app on a free localhost port until the test ends."""
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()


@pytest.fixture
def scanned_lot(make_lot, make_event):
    lot = make_lot()
    make_event(lot)
    return lot


@pytest.fixture
def browser_for(tmp_path):
    """Launch headless Chromium, optionally with a fake camera showing a QR image."""
    playwright_api = pytest.importorskip("playwright.sync_api")
    manager = playwright_api.sync_playwright()
    playwright = manager.start()
    browsers = []

    def launch(camera_png: bytes | None = None):
        args = list(CHROMIUM_ARGS)
        if camera_png is not None:
            video = write_y4m(camera_png, tmp_path / "camera.y4m")
            args += [
                "--use-fake-ui-for-media-stream",
                "--use-fake-device-for-media-stream",
                f"--use-file-for-fake-video-capture={video}",
            ]
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=args)
        browsers.append(browser)
        return browser

    yield launch
    for browser in browsers:
        browser.close()
    manager.__exit__(None, None, None)


def sign_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/login?lang=en")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("form.stack button[type=submit]")
    page.wait_for_url(f"{base}/inspect/")


# On a first visit the camera permission is still to be asked: the page waits for a tap.
FIRST_VISIT = """
const query = navigator.permissions.query.bind(navigator.permissions);
navigator.permissions.query = (descriptor) =>
    descriptor && descriptor.name === "camera"
        ? Promise.resolve({ state: "prompt" })
        : query(descriptor);
"""


def test_the_camera_reads_the_qr_code_and_opens_the_inspectors_lot_view(
    live_server, browser_for, make_user, scanned_lot
):
    inspector = make_user(Role.INSPECTOR, display_name="Trần Văn Kiểm")
    label = qr.png(lot_qr_url(scanned_lot), scale=8)
    page = browser_for(camera_png=label).new_page()
    page.add_init_script(FIRST_VISIT)
    sign_in(page, live_server, inspector.email)
    assert page.locator("#scan-video").is_hidden()
    started = time.monotonic()
    page.click("#scan-start")
    page.wait_for_url(f"{live_server}/inspect/lots/{scanned_lot.id}", timeout=30_000)
    elapsed = time.monotonic() - started
    assert "CH2023-01" in page.locator("h1").inner_text()
    assert page.locator("text=Record an inspection").count() == 1
    print(f"camera scan, tap to lot view: {elapsed:.2f} s")  # shown with pytest -s


def test_once_the_camera_is_allowed_scanning_starts_without_a_tap(
    live_server, browser_for, make_user, scanned_lot
):
    # --use-fake-ui-for-media-stream grants the camera, as a returning inspector has.
    inspector = make_user(Role.INSPECTOR)
    page = browser_for(camera_png=qr.png(lot_qr_url(scanned_lot), scale=8)).new_page()
    page.goto(f"{live_server}/login?lang=en")
    page.fill("#email", inspector.email)
    page.fill("#password", PASSWORD)
    page.click("form.stack button[type=submit]")
    page.wait_for_url(f"{live_server}/inspect/lots/{scanned_lot.id}", timeout=30_000)


def test_a_photo_of_the_code_is_read_the_same_way(
    live_server, browser_for, make_user, scanned_lot, tmp_path
):
    inspector = make_user(Role.INSPECTOR)
    photo = tmp_path / "label.png"
    photo.write_bytes(qr.png(lot_qr_url(scanned_lot), scale=6))
    page = browser_for().new_page()
    sign_in(page, live_server, inspector.email)
    page.set_input_files("#scan-photo", str(photo))
    page.wait_for_url(f"{live_server}/inspect/lots/{scanned_lot.id}", timeout=30_000)
    assert "CH2023-01" in page.locator("h1").inner_text()


def test_the_decoder_hook_reads_an_image_and_reports_nothing_on_a_blank_one(
    live_server, browser_for, make_user, scanned_lot
):
    inspector = make_user(Role.INSPECTOR)
    page = browser_for().new_page()
    sign_in(page, live_server, inspector.email)
    qr_path = f"/t/{scanned_lot.public_code}/qr.png"
    text = page.evaluate(
        """async (src) => {
            const image = new Image();
            image.src = src;
            await image.decode();
            return window.txngScanner.decodeImage(image);
        }""",
        qr_path,
    )
    assert text == "https://txng.example.vn/01/09520123450007/10/CH2023-01"
    blank = page.evaluate(
        """() => {
            const canvas = document.createElement("canvas");
            canvas.width = canvas.height = 200;
            const context = canvas.getContext("2d");
            context.fillStyle = "#fff";
            context.fillRect(0, 0, 200, 200);
            return window.txngScanner.decodeImage(canvas);
        }"""
    )
    assert blank is None


def test_without_javascript_the_typed_code_still_works(
    live_server, browser_for, make_user, scanned_lot
):
    inspector = make_user(Role.INSPECTOR)
    browser = browser_for()
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    sign_in(page, live_server, inspector.email)
    assert not page.locator("#scanner").is_visible()
    page.fill("#q", scanned_lot.public_code.lower())
    page.click("form.stack button[type=submit]")
    page.wait_for_url(f"{live_server}/inspect/lots/{scanned_lot.id}")
    context.close()


def test_use_my_location_fills_the_coordinates(live_server, browser_for, make_user, scanned_lot):
    inspector = make_user(Role.INSPECTOR)
    context = browser_for().new_context(
        geolocation={"latitude": 20.8612341, "longitude": 106.6834567},
        permissions=["geolocation"],
    )
    page = context.new_page()
    sign_in(page, live_server, inspector.email)
    page.goto(f"{live_server}/inspect/lots/{scanned_lot.id}/inspections/new?lang=en")
    page.click("#locate")
    page.wait_for_function("document.getElementById('longitude').value !== ''")
    assert page.input_value("#latitude") == "20.861234"  # six decimals, about 10 cm
    assert page.input_value("#longitude") == "106.683457"
    context.close()
