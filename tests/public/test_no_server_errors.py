"""No input, however odd, makes a public page answer 500."""

from __future__ import annotations

from urllib.parse import quote

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

SEGMENT = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=0, max_size=40
)
NEARLY_VALID = st.sampled_from(
    ["09520123450007", "9520123450007", "0952012345000", "10", "21", "22", "17", "", "%", "%2F"]
)

RELAXED = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@RELAXED
@given(segments=st.lists(st.one_of(SEGMENT, NEARLY_VALID), min_size=0, max_size=6))
def test_resolver_paths(client, segments):
    path = "/01/" + "/".join(quote(segment, safe="%") for segment in segments)
    assert client.get(path).status_code in {200, 301, 400, 404}


@RELAXED
@given(text=SEGMENT)
def test_short_codes(client, text):
    response = client.get("/t/" + quote(text, safe=""))
    assert response.status_code in {200, 301, 308, 400, 404}


@RELAXED
@given(text=st.one_of(SEGMENT, st.builds("(01){}(10){}".format, NEARLY_VALID, SEGMENT)))
def test_manual_lookup(client, text):
    response = client.get("/lookup", query_string={"q": text})
    assert response.status_code in {303, 400, 404}


@RELAXED
@given(lang=SEGMENT, accept=st.text(st.characters(min_codepoint=32, max_codepoint=126)))
def test_language_inputs(client, lang, accept):
    response = client.get("/", query_string={"lang": lang}, headers={"Accept-Language": accept})
    assert response.status_code == 200
