"""Shopper-facing views: parse the request, call one service, render."""

from __future__ import annotations

import json
from urllib.parse import quote, urlsplit

from flask import (
    Response,
    current_app,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from limits import parse as parse_limit
from sqlalchemy import select

from .. import http_cache, identifiers, provinces
from ..errors import LotNotFound
from ..extensions import csrf, db, limiter
from ..i18n import current_language, other_language
from ..links import lot_path, lot_qr_url, product_path, public_url
from ..models import Certification, Lot, Producer, Product, Serial
from ..services import (
    catalogue,
    linkset,
    lookup,
    lots,
    page_versions,
    qr,
    scan_places,
    serials,
)
from ..services.serialize import lot_dict
from . import bp

SITEMAP_LIMIT = 50_000
# A linkType value is echoed on the "no such link" page: keep a hostile one short.
MAX_SHOWN_LINK_TYPE = 100


def wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


@bp.get("/")
def home():
    return render_template("home.html")


@bp.get("/lookup")
def lookup_code():
    result = lookup.resolve(request.args.get("q", ""))
    if result.item is not None:
        return redirect(item_path(result.item), code=303)
    if result.lot is not None:
        return redirect(lot_path(result.lot), code=303)
    return redirect(product_path(result.product), code=303)


def _raw_path() -> str:
    """Return the path as the client sent it, still percent-encoded.

    A lot code may hold a '/' (GS1 allows it, encoded as %2F); the WSGI path is
    already decoded, so the resolver reads the raw request URI when it can.
    """
    raw = request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI")
    if raw:
        return urlsplit(raw).path
    return quote(request.path, safe="/")


# The resolver's answers are read by other sites' scripts: GS1 asks for CORS, on errors too.
CROSS_ORIGIN_ENDPOINTS = frozenset(
    {"public.resolve", "public.resolver_description", "public.lot_epcis"}
)
RESOLVER_METHODS = ["GET", "HEAD", "OPTIONS"]
ALLOWED_METHODS = ", ".join(RESOLVER_METHODS)
PREFLIGHT_MAX_AGE = 24 * 3600


@bp.after_request
def allow_cross_origin(response: Response) -> Response:
    if request.endpoint in CROSS_ORIGIN_ENDPOINTS:
        response.headers["Access-Control-Allow-Origin"] = "*"
        response.headers["Access-Control-Allow-Methods"] = ALLOWED_METHODS
        response.headers["Access-Control-Expose-Headers"] = "Link"
    return response


def preflight() -> Response:
    """Answer OPTIONS: the methods, and any request headers a cross-site script asks for."""
    response = Response(status=204)
    response.headers.remove("Content-Type")  # no body, so no type
    response.headers["Allow"] = ALLOWED_METHODS
    asked = request.headers.get("Access-Control-Request-Headers")
    if asked:
        response.headers["Access-Control-Allow-Headers"] = asked
    response.headers["Access-Control-Max-Age"] = str(PREFLIGHT_MAX_AGE)
    return response


@bp.route("/01/<anypath:rest>", methods=RESOLVER_METHODS, merge_slashes=False)
def resolve(rest: str):
    """Answer a GS1 Digital Link URI: its page, its linkset, or a redirect to one of its links."""
    link, canonical = read_digital_link()
    if request.method == "OPTIONS":
        return preflight()
    query = request.query_string.decode("latin-1")
    if not canonical:
        # A 13-digit GTIN or a trailing slash: tolerated, answered with a permanent
        # redirect to the canonical form, the query passed on whole.
        response = redirect(link.uri("") + (f"?{query}" if query else ""), code=301)
    else:
        link_type = request.args.get("linkType", "")
        if link_type in linkset.LINKSET_REQUESTS or (not link_type and wants_linkset()):
            return linkset_response(linkset.linkset_for(link))
        if link_type:
            response = follow_link_type(link, link_type, query)
        else:
            response = make_response(digital_link_page(link))
    # One short Link header, to the linkset (listing every link here is deprecated).
    response.headers["Link"] = (
        f'<{linkset.linkset_url(link)}>; rel="linkset"; type="{linkset.LINKSET_MEDIA_TYPE}"'
    )
    response.vary.add("Accept")
    return response


def read_digital_link() -> tuple[identifiers.DigitalLink, bool]:
    """Parse the request's Digital Link on PUBLIC_BASE_URL; tell whether it was canonical.

    A 13-digit GTIN or a trailing slash is read leniently (the caller redirects);
    anything else malformed raises an IdentifierError, answered with a 400.
    """
    base = current_app.config["PUBLIC_BASE_URL"]
    raw_path = _raw_path()
    query = request.query_string.decode("latin-1")
    uri = base + raw_path + (f"?{query}" if query else "")
    try:
        return identifiers.parse_digital_link(uri), True
    except identifiers.InvalidDigitalLink as strict_error:
        try:
            lenient = identifiers.parse_digital_link(
                base + raw_path.rstrip("/"), permit_zero_suppressed_gtin=True
            )
        except identifiers.InvalidDigitalLink:
            raise explain_bad_path(raw_path) from strict_error
        if lenient.uri("") == raw_path:
            # The path is canonical, so its query attributes are what is wrong:
            # a redirect would only come back here.
            raise strict_error from None
        return lenient, False


def wants_linkset() -> bool:
    best = request.accept_mimetypes.best_match(
        ["text/html", "application/json", linkset.LINKSET_MEDIA_TYPE]
    )
    return best == linkset.LINKSET_MEDIA_TYPE


def digital_link_page(link: identifiers.DigitalLink):
    """The page for a person: the item, lot or product page."""
    if link.cpv is not None:
        # Variant codes are not registered here yet: a well-formed one is unknown,
        # which is a 404, never a lot page.
        raise LotNotFound("Variant not registered", gtin=link.gtin, code=link.cpv)
    if link.serial is not None:
        return render_item(serials.find_serial(link.gtin, link.serial, lot_code=link.lot))
    if link.lot is not None:
        return cached_lot_page(lots.find_lot(link.gtin, link.lot))
    product = catalogue.find_product_by_gtin(link.gtin)
    return http_cache.conditional_page(
        page_versions.product_version(product),
        lambda: render_template(
            "product.html", page=catalogue.product_page(product), lot_path=lot_path
        ),
    )


def linkset_response(found: linkset.Linkset) -> Response:
    """The linkset as RFC 9264 JSON, with a Link header to the JSON-LD context that reads it."""
    response = Response(
        json.dumps(found.as_json(), ensure_ascii=False), mimetype=linkset.LINKSET_MEDIA_TYPE
    )
    context, rel = linkset.LINKSET_CONTEXT, linkset.JSON_LD_CONTEXT_REL
    response.headers["Link"] = f'<{context}>; rel="{rel}"; type="application/ld+json"'
    response.vary.add("Accept")
    return response


def follow_link_type(link: identifiers.DigitalLink, requested: str, query: str) -> Response:
    """Redirect to the link of the requested type, or say there is none (404)."""
    found = linkset.linkset_for(link)
    name = linkset.link_type_name(requested)
    target = found.find(name) if name else None
    if target is not None:
        return redirect(linkset.redirect_target(target.href, query), code=307)
    return no_such_link(found, requested[:MAX_SHOWN_LINK_TYPE])


def no_such_link(found: linkset.Linkset, shown: str) -> Response:
    """Tell a person (in both languages) or a program that the code has no such link."""
    message = _("This code has no link of the type “%(type)s”.", type=shown)
    with force_locale(other_language()):
        message_other = _("This code has no link of the type “%(type)s”.", type=shown)
    if wants_json():
        problem = jsonify(
            type="about:blank",
            status=404,
            title="no_such_link",
            detail=message,
            detail_localized={current_language(): message, other_language(): message_other},
        )
        problem.status_code = 404
        problem.mimetype = "application/problem+json"
        return problem
    body = render_template(
        "link_missing.html",
        message=message,
        message_other=message_other,
        other_language_code=other_language(),
        page_url=found.default_link.href,
    )
    return make_response(body, 404)


def explain_bad_path(raw_path: str) -> identifiers.IdentifierError:
    """Find the most specific reason a /01/ path is malformed, for the shopper."""
    segments = raw_path.split("/")  # ['', '01', gtin, '10', lot, ...]
    try:
        identifiers.normalize_gtin(identifiers.percent_decode(segments[2]))
        if len(segments) >= 5 and segments[3] == "10":
            identifiers.validate_lot_code(identifiers.percent_decode(segments[4]))
    except identifiers.IdentifierError as specific:
        return specific
    return identifiers.InvalidDigitalLink("structure", raw_path)


@bp.route("/.well-known/gs1resolver", methods=RESOLVER_METHODS)
def resolver_description():
    """Describe this site as a GS1-conformant resolver."""
    if request.method == "OPTIONS":
        return preflight()
    return jsonify(linkset.resolver_description())


@bp.route("/t/<public_code>/epcis", methods=RESOLVER_METHODS)
def lot_epcis(public_code: str):
    """The lot's history as an EPCIS 2.0 JSON-LD document, for other traceability systems."""
    if request.method == "OPTIONS":
        return preflight()
    code = identifiers.normalize_public_code(public_code)
    if code != public_code:
        return redirect(url_for("public.lot_epcis", public_code=code), code=301)
    lot = lots.find_lot_by_public_code(code)
    # Imported on first use: the shopper pages never need the EPCIS exporter.
    from ..services import epcis

    body = json.dumps(epcis.lot_document(lot), ensure_ascii=False)
    return Response(body, mimetype="application/ld+json")


@bp.route("/t/<public_code>", methods=["GET", "HEAD"])
def lot_by_code(public_code: str):
    code = identifiers.normalize_public_code(public_code)
    if code != public_code:
        return redirect(url_for("public.lot_by_code", public_code=code), code=301)
    return cached_lot_page(lots.find_lot_by_public_code(code))


@bp.route("/t/<public_code>/<serial>", methods=["GET", "HEAD"])
def item_by_code(public_code: str, serial: str):
    code = identifiers.normalize_public_code(public_code)
    if code != public_code:
        return redirect(url_for("public.item_by_code", public_code=code, serial=serial), code=301)
    item = serials.find_serial_by_public_code(code, identifiers.validate_serial(serial))
    return render_item(item)


def item_path(item: Serial) -> str:
    """The item's site-relative URL: its Digital Link path, or the short-code path."""
    if item.lot.product.gtin:
        return f"{lot_path(item.lot)}/21/{identifiers.percent_encode(item.serial)}"
    return url_for("public.item_by_code", public_code=item.lot.public_code, serial=item.serial)


def cached_lot_page(lot: Lot) -> Response:
    """The lot page, or 304 when the client already holds this version of it."""
    version = page_versions.lot_version(lot)
    return http_cache.conditional_page(
        version,
        lambda: render_lot(lot, certifications=version.certifications),
        representation="json" if wants_json() else "html",
    )


def render_lot(
    lot: Lot,
    checks: serials.ItemChecks | None = None,
    *,
    place_token: str | None = None,
    shared: scan_places.SharedPlace | None = None,
    certifications: list[Certification] | None = None,
):
    page = lots.lot_page(lot, certifications)
    if wants_json():
        return jsonify(lot_dict(page, lot_path, lot_qr_url(lot)))
    return render_template(
        "lot.html",
        page=page,
        lot_path=lot_path,
        product_path=product_path,
        qr_url=lot_qr_url(lot),
        checks=checks,
        place_token=place_token,
        province_choices=provinces.choices(current_language()) if place_token else (),
        shared=shared,
    )


def within_check_limit() -> bool:
    """Count at most CHECK_COUNT_LIMIT checks per client: the page still shows past it.

    Uses Flask-Limiter's storage (memory, or Redis through RATELIMIT_STORAGE_URI so
    that several app servers share it); the client's address is a key there, never
    stored with the scan.
    """
    item = parse_limit(current_app.config["CHECK_COUNT_LIMIT"])
    # The raw storage API knows nothing of Flask-Limiter's key prefix: pass it on, so that
    # deployments (and test runs) sharing one Redis keep their counts apart.
    prefix = current_app.config.get("RATELIMIT_KEY_PREFIX") or "txng"
    return limiter.limiter.hit(item, prefix, "item-checks", get_remote_address())


def render_item(item: Serial):
    """The lot page for one item, counting this view if a person opened it."""
    counted = (
        current_app.config["RECORD_SCANS"]
        and not wants_json()
        and serials.is_shopper(
            request.method,
            request.headers.get("User-Agent", ""),
            request.headers.get("Sec-Purpose", "") + request.headers.get("Purpose", ""),
        )
        and within_check_limit()
    )
    if not counted:
        response = make_response(render_lot(item.lot, serials.unrecorded_check(item)))
    else:
        checks = serials.record_check(
            item,
            language=current_language(),
            client=serials.client_class(request.headers.get("User-Agent", "")),
        )
        token = scan_places.place_token(checks.scan_id) if checks.scan_id else None
        response = make_response(render_lot(item.lot, checks, place_token=token))
        db.session.commit()  # after rendering: a commit expires the objects the page reads
    # A cached copy would neither count the check nor show the latest count.
    response.headers["Cache-Control"] = "private, no-cache"
    return response


@bp.post("/items/place")
@csrf.exempt  # shoppers have no session: the signed single-scan token is the protection
def share_place():
    """Record the province a shopper chose to share, then show the item's page again.

    Rendered here rather than redirected: no second round trip on a slow connection,
    and no URL marker that would let a page view skip counting. A reload posts the
    same token again, which changes nothing.
    """
    token = request.form.get("token", "")
    try:
        shared = scan_places.share_place(token, request.form.get("province", ""))
    except scan_places.PlaceRefused as refused:
        again = token if isinstance(refused, scan_places.UnknownProvince) else None
        body = render_template(
            "place_refused.html",
            message=refused.message,
            place_token=again,
            province_choices=provinces.choices(current_language()),
        )
        response = make_response(body, 400)
    else:
        item = shared.item
        response = make_response(
            render_lot(item.lot, serials.unrecorded_check(item), shared=shared)
        )
        db.session.commit()  # after rendering: a commit expires the objects the page reads
    response.headers["Cache-Control"] = "private, no-cache"
    return response


@bp.get("/t/<public_code>/qr.<any(svg, png):kind>")
def lot_qr(public_code: str, kind: str):
    lot = lots.find_lot_by_public_code(identifiers.normalize_public_code(public_code))
    url = lot_qr_url(lot)
    if kind == "svg":
        body, mimetype = qr.svg(url), "image/svg+xml"
    else:
        scale = request.args.get("scale", default=8, type=int)
        body, mimetype = qr.png(url, scale=scale), "image/png"
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'inline; filename="{lot.public_code}.{kind}"'
    response.cache_control.public = True
    response.cache_control.max_age = 3600
    return response


@bp.get("/producers/<int:producer_id>")
def producer(producer_id: int):
    return http_cache.conditional_page(
        page_versions.producer_version(producer_id),
        lambda: render_template(
            "producer.html",
            page=catalogue.producer_page(producer_id),
            lot_path=lot_path,
            product_path=product_path,
        ),
    )


@bp.get("/robots.txt")
def robots():
    body = f"User-agent: *\nAllow: /\nSitemap: {public_url('/sitemap.xml')}\n"
    return Response(body, mimetype="text/plain")


@bp.get("/sitemap.xml")
def sitemap():
    products = db.session.scalars(
        select(Product).where(Product.gtin.is_not(None)).order_by(Product.id)
    ).all()
    lot_rows = db.session.execute(
        select(Lot.code, Lot.public_code, Product.gtin)
        .join(Lot.product)
        .order_by(Lot.id)
        .limit(SITEMAP_LIMIT)
    ).all()
    urls = [public_url(f"/01/{product.gtin}") for product in products]
    for code, public_code, gtin in lot_rows:
        if gtin:
            urls.append(public_url(f"/01/{gtin}/10/{identifiers.percent_encode(code)}"))
        else:
            urls.append(public_url(f"/t/{public_code}"))
    producer_ids = db.session.scalars(select(Producer.id).order_by(Producer.id))
    urls.extend(public_url(f"/producers/{producer_id}") for producer_id in producer_ids)
    body = render_template("sitemap.xml", urls=urls[:SITEMAP_LIMIT])
    return Response(body, mimetype="application/xml")


@bp.get("/healthz")
def healthz():
    db.session.execute(select(1))
    return {"status": "ok"}
