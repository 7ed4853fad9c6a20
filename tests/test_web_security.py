"""Safety of the HTML pages: escaping of submitted text, the CSP nonce, and the security headers."""

import json
import re

import pytest
from support_reports import parse

PAYLOADS = (
    "<script>window.__xss=1;alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[link](javascript:alert(1))",
    '"><svg onload=alert(1)>',
    "</script><script>alert(2)</script>",
    "<a href='javascript:alert(3)'>click</a>",
)
XSS_TEXT = (
    "The site covers more than 550 square kilometers " + " ".join(PAYLOADS) + "\n"
    "It is over 110 times larger than the approximately 5 square kilometer Naro Space Center. " + PAYLOADS[1]
)


@pytest.fixture
def app(stand_in_app):
    """The app with the stand-in article checker; `client` (conftest) uses it."""
    return stand_in_app


@pytest.fixture
def xss_page(client):
    """The report page of an article whose title, publisher and text are full of payloads."""
    form = {
        "mode": "article",
        "title": "Title " + PAYLOADS[0] + PAYLOADS[4],
        "published": "2023-09-13",
        "publisher": PAYLOADS[1],
        "url": "https://example.com/?q=</script>",
        "text": XSS_TEXT,
    }
    response = client.post("/reports", data=form)
    assert response.status_code == 303
    return client.get(response.headers["Location"])


def _nonce(response) -> str:
    match = re.search(r"script-src 'nonce-([A-Za-z0-9_-]+)'", response.headers["Content-Security-Policy"])
    assert match, response.headers["Content-Security-Policy"]
    return match.group(1)


def test_submitted_markup_shows_as_text(xss_page):
    page = xss_page.get_data(as_text=True)
    elements = parse(page)
    assert not elements.find("img") and not elements.find("svg", onload="alert(1)")
    assert all(not name.startswith("on") for _, attrs in elements.tags for name in attrs)
    assert not any((attrs.get("href") or "").lower().startswith("javascript:") for _, attrs in elements.tags)
    assert "&lt;script&gt;window.__xss=1;alert(1)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "[link](javascript:alert(1))" in page  # no Markdown: it stays text
    # Our two scripts only: the JS file and the JSON-LD data block.
    assert len(elements.find("script")) == 2


def test_json_ld_cannot_break_out_of_its_script_element(xss_page):
    page = xss_page.get_data(as_text=True)
    block = re.search(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', page, re.DOTALL).group(1)
    assert "<" not in block and ">" not in block
    reviews = json.loads(block)
    headline = reviews[0]["itemReviewed"]["appearance"][0]["headline"]
    assert "</script><script>alert(2)</script>" in headline  # the data survives, escaped as \\u003c


def test_a_javascript_url_is_never_a_link(app, client):
    store = app.extensions["claimcheck.reports"]
    report_id = store.create(
        {
            "kind": "checks",
            "url": "javascript:alert(1)",
            "results": [
                {
                    "claim": "x",
                    "result": {
                        "verdict": "unverifiable",
                        "reason": "r",
                        "evidence": [
                            {
                                "fact": "f",
                                "value": "1 m",
                                "source": {
                                    "url": "javascript:alert(1)",
                                    "title": "T",
                                    "publisher": "P",
                                    "retrieved": "2026-01-01",
                                },
                                "used_in_verdict": True,
                            }
                        ],
                    },
                }
            ],
        }
    )
    page = client.get(f"/reports/{report_id}").get_data(as_text=True)
    assert "javascript:" not in page


def test_every_html_page_has_a_csp_with_a_fresh_nonce_on_its_scripts(client, xss_page):
    nonces = set()
    for response in (
        client.get("/"),
        client.get("/reports"),
        xss_page,
        client.post("/reports", data={"mode": "claim", "claim": ""}),
    ):
        assert response.mimetype == "text/html"
        policy = response.headers["Content-Security-Policy"]
        for directive in (
            "default-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
        ):
            assert directive in policy
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
        nonce = _nonce(response)
        scripts = parse(response.get_data(as_text=True)).find("script")
        assert scripts and all(script.get("nonce") == nonce for script in scripts)
        nonces.add(nonce)
    assert len(nonces) == 4


@pytest.mark.parametrize(
    "path", ["/", "/reports", "/reports/missing", "/v1/reports", "/assets/claimcheck.css"]
)
def test_security_headers_on_every_response(client, path):
    response = client.get(path)
    response.close()
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "camera=()" in response.headers["Permissions-Policy"]


def test_no_inline_styles_or_handlers_in_templates():
    from pathlib import Path

    folder = Path(__file__).resolve().parent.parent / "service" / "templates"
    for template in folder.glob("*.html"):
        source = template.read_text()
        assert not re.search(r"\son[a-z]+\s*=", source), template.name
        assert not re.search(r"\sstyle\s*=", source), template.name
        assert "<style" not in source, template.name
        assert not re.search(r"\|\s*safe\b", source), template.name
