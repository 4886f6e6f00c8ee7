"""axe-core finds no serious or critical accessibility problem on the pages people use.

axe-core comes from the npm registry (tests/browser/package.json) and is handed
to each page as an init script: Playwright adds it through the DevTools
protocol, which the site's Content-Security-Policy (script-src 'self') rightly
does not cover, so the page under test is exactly the page shoppers get.
Moderate and minor findings are printed (pytest -s) but do not fail.
"""

from __future__ import annotations

import pytest

from .conftest import INSPECTOR_EMAIL, PHONE, PRODUCER_EMAIL, DemoSite, sign_in_through_form

FAILING_IMPACTS = {"serious", "critical"}

RUN_AXE = """async () => {
    const results = await axe.run(document, {resultTypes: ["violations"]});
    return results.violations.map((violation) => ({
        id: violation.id,
        impact: violation.impact,
        help: violation.help,
        targets: violation.nodes.slice(0, 5).map((node) => node.target.join(" ")),
        summary: violation.nodes.length ? violation.nodes[0].failureSummary : "",
    }));
}"""

PUBLIC_PAGES = {
    "home": lambda site: "/",
    "lot page (vi)": lambda site: site.example_lot + "?lang=vi",
    "lot page (en)": lambda site: site.example_lot + "?lang=en",
    "recalled lot page": lambda site: site.recalled_lot,
    "product page": lambda site: site.example_product,
    "producer page": lambda site: f"/producers/{site.example_producer_id}",
    "lookup error page": lambda site: "/lookup?q=0000-0000",
    "sign-in form": lambda site: "/login",
}
PRODUCER_PAGES = {
    "producer dashboard": lambda site: "/producer/",
    "new lot form": lambda site: "/producer/lots/new",
    # With item codes issued and checked (scanned_items): codes, files, charts.
    "lot with its diary": lambda site: f"/producer/lots/{site.example_lot_id}",
    "diary entry form": lambda site: f"/producer/lots/{site.example_lot_id}/events/new",
    "QR labels": lambda site: f"/producer/lots/{site.example_lot_id}/labels",
    "analytics": lambda site: "/producer/analytics",
}
INSPECTOR_PAGES = {
    "scan page": lambda site: "/inspect/",
    "inspector's lot view": lambda site: f"/inspect/lots/{site.inspected_lot_id}",
    "inspection form": lambda site: f"/inspect/lots/{site.inspected_lot_id}/inspections/new",
}


@pytest.fixture(scope="module")
def audited(chromium, demo_site, axe_source):
    """A phone per role with axe-core loaded into every page it opens."""
    contexts = {}

    def context_for(email: str | None):
        if email not in contexts:
            context = chromium.new_context(**PHONE)
            context.add_init_script(path=str(axe_source))
            if email:
                sign_in_through_form(context.new_page(), demo_site, email)
            contexts[email] = context
        return contexts[email]

    yield context_for
    for context in contexts.values():
        context.close()


def violations_on(context, site: DemoSite, path: str) -> list[dict]:
    page = context.new_page()
    try:
        page.goto(site.url + path)
        return page.evaluate(RUN_AXE)
    finally:
        page.close()


def check(context, site: DemoSite, path: str) -> None:
    found = violations_on(context, site, path)
    for violation in found:
        print(f"{path}: [{violation['impact']}] {violation['id']}: {violation['targets']}")
    serious = [violation for violation in found if violation["impact"] in FAILING_IMPACTS]
    assert not serious, "\n".join(
        f"[{v['impact']}] {v['id']} ({v['help']}) at {v['targets']}\n  {v['summary']}"
        for v in serious
    )


@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_public_pages_have_no_serious_accessibility_problem(audited, demo_site, name):
    check(audited(None), demo_site, PUBLIC_PAGES[name](demo_site))


def test_an_item_page_asking_for_the_province_has_no_serious_problem(
    audited, demo_site, scanned_items
):
    # A first check of a fresh item: the page asks where the shopper is.
    page = audited(None).new_page()
    try:
        page.goto(demo_site.url + scanned_items[-1])
        assert page.locator("form.place select#province").is_visible()
    finally:
        page.close()
    check(audited(None), demo_site, scanned_items[-2])


@pytest.mark.parametrize("name", PRODUCER_PAGES)
def test_producer_pages_have_no_serious_accessibility_problem(
    audited, demo_site, scanned_items, name
):
    check(audited(PRODUCER_EMAIL), demo_site, PRODUCER_PAGES[name](demo_site))


@pytest.mark.parametrize("name", INSPECTOR_PAGES)
def test_inspector_forms_have_no_serious_accessibility_problem(audited, demo_site, name):
    check(audited(INSPECTOR_EMAIL), demo_site, INSPECTOR_PAGES[name](demo_site))


def test_axe_is_really_checking(audited, demo_site):
    """Guard against a vacuous pass: a page with a known fault must be reported."""
    page = audited(None).new_page()
    try:
        page.goto(demo_site.url + "/")
        page.evaluate(
            """() => {
                const field = document.createElement("input");
                field.type = "text";
                document.querySelector("main").append(field);
            }"""
        )
        found = page.evaluate(RUN_AXE)
    finally:
        page.close()
    assert "label" in {violation["id"] for violation in found}
