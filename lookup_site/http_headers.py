"""Security headers sent with every response.

The policy is strict because the pages need nothing more: every style is in
static/*.css, every script in static/**/*.js, charts are inline SVG drawn with
presentation attributes (fill=, stroke=), never style= attributes. A template
that adds inline <script>, <style> or style="" breaks under this policy: the
test in tests/test_http_headers.py scans the rendered pages for them.

Written by hand rather than with Flask-Talisman: the site is served behind a proxy
that terminates TLS, so Talisman's HTTPS redirect and cookie handling would be
switched off, leaving only the few constant headers below.
"""

from __future__ import annotations

from flask import Flask, Response, current_app

# img-src: no data: URIs are needed (QR codes and charts are files or inline SVG
# markup); blob: is the inspectors' scanner reading a photo of a code on the phone.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "img-src 'self' blob:",
        "style-src 'self'",
        "script-src 'self'",
        # The inspectors' scanner shows the camera stream in a <video>.
        "media-src 'self' mediastream:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
# Only the inspectors' scan page uses the camera, and only from this site.
PERMISSIONS_POLICY = "camera=(self), microphone=(), geolocation=(self), payment=(), usb=()"
# A link followed off this site tells it the origin only: a lot or item URL (which
# names a serial) never leaks into another site's logs; same-origin links keep the full
# URL for this site's own "back" and analytics.
REFERRER_POLICY = "strict-origin-when-cross-origin"
HSTS_ONE_YEAR = "max-age=31536000; includeSubDomains"


def serves_https(app: Flask) -> bool:
    """Tell whether this is a production site served over HTTPS."""
    return app.config["PUBLIC_BASE_URL"].startswith("https://") and not app.debug


def add_security_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", REFERRER_POLICY)
    headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
    # Redundant with frame-ancestors for current browsers; older Android WebViews read only this.
    headers.setdefault("X-Frame-Options", "DENY")
    if serves_https(current_app):
        # Only over HTTPS: a browser remembers it for a year, so a plain-HTTP test site
        # must never send it.
        headers.setdefault("Strict-Transport-Security", HSTS_ONE_YEAR)
    return response


def init_app(app: Flask) -> None:
    app.after_request(add_security_headers)
