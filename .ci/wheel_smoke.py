"""Run from outside the source tree: the installed wheel must serve pages in both languages."""

import re
import sys
import tempfile
from pathlib import Path

import lookup_site
from lookup_site import create_app

assert "site-packages" in lookup_site.__file__, lookup_site.__file__

with tempfile.TemporaryDirectory() as folder:
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "smoke",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(folder) / 'smoke.sqlite3'}",
        }
    )
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    path = re.search(r"https?://[^/\s]+(/01/\S+)", result.output).group(1)
    client = app.test_client()
    vi = client.get(path)
    en = client.get(path + "?lang=en")
    css = client.get("/static/site.css")
    assert vi.status_code == en.status_code == css.status_code == 200
    assert "Hành trình của lô hàng" in vi.get_data(as_text=True), "vi catalogue missing"
    assert "Journey of this lot" in en.get_data(as_text=True)
    print(f"wheel smoke: {path} served in vi and en from {Path(lookup_site.__file__).parent}")
sys.exit(0)
