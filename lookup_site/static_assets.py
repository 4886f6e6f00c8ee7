"""Static file URLs that carry a hash of the file's content, cached for a year.

Templates call ``static_url("site.css")`` and get ``/static/site.css?v=<hash8>``.
A request whose ``v`` matches the file's current hash is answered with
``Cache-Control: public, max-age=31536000, immutable``: a phone on a slow
connection never asks for the stylesheet again until a deployment changes it,
and then the URL changes with it. Any other request (no ``v``, an old one) gets
Flask's default revalidated answer, so a stale page still finds its file.

Hand-written rather than Flask-Static-Digest: that extension writes hashed copies
into static/ in a build step (``flask digest compile``), which the installed wheel's
read-only data folder and every development checkout would have to remember; here
the hash is computed from the file on first use and kept while its size and
modification time stay the same. Compression is left to the proxy, as the
deployment guide says.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from flask import Flask, Response, current_app, request, url_for
from werkzeug.security import safe_join

HASH_LENGTH = 8
IMMUTABLE = "public, max-age=31536000, immutable"

# filename -> (mtime_ns, size, hash): a stat per use, a read only when the file changed.
_hashes: dict[str, tuple[int, int, str]] = {}


def content_hash(filename: str) -> str | None:
    """Return the short content hash of a static file, or None if there is no such file."""
    folder = current_app.static_folder
    path = safe_join(folder, filename) if folder else None
    if path is None:
        return None
    try:
        stat = os.stat(path)
    except OSError:
        return None
    known = _hashes.get(path)
    if known and known[0] == stat.st_mtime_ns and known[1] == stat.st_size:
        return known[2]
    digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()[:HASH_LENGTH]
    _hashes[path] = (stat.st_mtime_ns, stat.st_size, digest)
    return digest


def static_url(filename: str) -> str:
    """The URL of a static file, versioned by its content."""
    digest = content_hash(filename)
    if digest is None:
        return url_for("static", filename=filename)
    return url_for("static", filename=filename, v=digest)


def cache_versioned_files(response: Response) -> Response:
    """Let browsers and proxies keep a static file for a year when its URL names its content."""
    if request.endpoint != "static" or response.status_code != 200:
        return response
    asked = request.args.get("v")
    filename = (request.view_args or {}).get("filename", "")
    if asked and asked == content_hash(filename):
        response.headers["Cache-Control"] = IMMUTABLE
    return response


def init_app(app: Flask) -> None:
    app.jinja_env.globals["static_url"] = static_url
    app.after_request(cache_versioned_files)
