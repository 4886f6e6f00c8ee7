"""Static files named by their content: cached for a year, a new URL when they change."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from lookup_site import static_assets
from lookup_site.static_assets import IMMUTABLE


def test_pages_link_the_stylesheet_by_its_content_hash(app, client):
    css = (Path(app.static_folder) / "site.css").read_bytes()
    expected = hashlib.sha256(css).hexdigest()[: static_assets.HASH_LENGTH]

    html = client.get("/").get_data(as_text=True)

    assert f'href="/static/site.css?v={expected}"' in html


def test_a_versioned_url_is_cached_for_a_year(client):
    html = client.get("/").get_data(as_text=True)
    url = re.search(r'href="(/static/site\.css\?v=[0-9a-f]{8})"', html).group(1)

    with client.get(url) as response:
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == IMMUTABLE


def test_an_old_or_missing_version_is_revalidated(client):
    for url in ("/static/site.css?v=00000000", "/static/site.css"):
        with client.get(url) as response:
            assert response.status_code == 200
            assert "immutable" not in response.headers.get("Cache-Control", "")


def test_a_changed_file_gets_a_new_url(app, tmp_path):
    app.static_folder = str(tmp_path)
    asset = tmp_path / "app.js"
    asset.write_text("one")
    with app.test_request_context():
        first = static_assets.static_url("app.js")
        asset.write_text("two, longer")
        second = static_assets.static_url("app.js")
        missing = static_assets.static_url("no-such.js")
    assert first != second
    assert second.endswith("?v=" + hashlib.sha256(b"two, longer").hexdigest()[:8])
    assert missing == "/static/no-such.js"
