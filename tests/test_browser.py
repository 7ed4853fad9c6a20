"""A real browser (Debian's Chromium, headless, driven by Playwright) on the report pages.

Posts the founding article through the form, checks the highlights and their colours, opens a claim's
evidence by mouse and by keyboard, takes a screenshot, proves that XSS payloads stay inert, and reads
the ClaimReview JSON-LD the way a crawler does (extruct).
"""

import os
import re
import threading
from pathlib import Path

import extruct
import pytest
from support_reports import fake_check_article, founding_article, make_app
from werkzeug.serving import make_server

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
XSS = {
    "title": "<script>window.__xss = 'title'</script>Payloads",
    "publisher": "<img src=x onerror=\"window.__xss = 'publisher'\">",
    "text": (
        "<script>window.__xss = 'script'; alert('script')</script>\n"
        "The site covers more than 550 square kilometers <img src=x onerror=\"window.__xss = 'img'; alert(1)\">.\n"
        "[link](javascript:alert('markdown')) <a href=\"javascript:window.__xss='a'\">click me</a>\n"
        '"><svg onload="window.__xss = \'svg\'"></svg> <iframe src="javascript:alert(\'iframe\')"></iframe>\n'
        "</script><script>window.__xss = 'breakout'</script> <style>body{display:none}</style>\n"
        "It is over 110 times larger than the approximately 5 square kilometer Naro Space Center "
        "<body onload=\"alert('body')\"> <details open ontoggle=\"window.__xss = 'toggle'\">x</details>"
    ),
}

if not CHROMIUM.exists():
    if os.environ.get("CI"):
        pytest.fail("CI needs /usr/bin/chromium: .ci/run installs it with apt-get", pytrace=False)
    pytest.skip("no /usr/bin/chromium: run `apt-get install -y chromium` (as root)", allow_module_level=True)

sync_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The test app served by werkzeug on a random port of 127.0.0.1, for this module (read-only use)."""
    app = make_app(f"sqlite:///{tmp_path_factory.mktemp('browser') / 'reports.db'}")
    http = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    yield app, f"http://127.0.0.1:{http.server_port}"
    http.shutdown()
    thread.join(10)
    http.server_close()
    app.extensions["claimcheck.reports"].close()


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.problems = []  # dialogs, page errors and CSP reports: none is expected on our pages
    page.on("dialog", lambda dialog: (page.problems.append(f"dialog: {dialog.message}"), dialog.dismiss()))
    page.on("pageerror", lambda error: page.problems.append(f"error: {error}"))
    page.on("console", lambda message: message.type == "error" and page.problems.append(message.text))
    yield page
    context.close()


def _post_article(page, base, title, text, published="2023-09-13", publisher="", url=""):
    page.goto(f"{base}/")
    page.fill("#title", title)
    page.fill("#published", published)
    page.fill("#publisher", publisher)
    page.fill("#url", url)
    page.fill("#text", text)
    page.click("#article-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/reports/[a-z2-7]{16}$"))


def _rgb(hex_colour: str) -> str:
    hex_colour = hex_colour.strip().lstrip("#")
    return "rgb({}, {}, {})".format(*(int(hex_colour[i : i + 2], 16) for i in (0, 2, 4)))


def test_the_founding_article_in_a_browser(server, page, tmp_path):
    app, base = server
    text = founding_article()
    _post_article(
        page,
        base,
        "Meeting After 4 Years and 5 Months",
        text,
        publisher="The Asia Business Daily",
        url="https://www.asiae.co.kr/article/2023091308123",
    )
    expected = fake_check_article("t", text, "2023-09-13", app.extensions["claimcheck"].snapshot)["claims"]

    marks = page.locator(".article a.claim-mark")
    assert marks.count() == len(expected) == 7
    for index, claim in enumerate(expected):
        verdict = claim["result"]["verdict"]
        colour = page.evaluate(
            f"getComputedStyle(document.documentElement).getPropertyValue('--{verdict}-bg')"
        )
        background = marks.nth(index).evaluate("mark => getComputedStyle(mark).backgroundColor")
        assert background == _rgb(colour), (index, verdict)
        assert marks.nth(index).inner_text().startswith(claim["quote"][:20])

    # Click the claim "more than 550 square kilometers": its card opens with the evidence.
    card = page.locator("#claim-4")
    assert not card.locator(".sources").is_visible()
    page.locator("#mark-4").click()
    assert card.locator("details").evaluate("details => details.open")
    sources = card.locator(".sources")
    assert sources.is_visible()
    link = sources.locator("a[href='https://en.wikipedia.org/wiki/Vostochny_Cosmodrome']")
    assert link.is_visible()
    assert "Wikipedia" in sources.inner_text() and "retrieved 2026-11-26" in sources.inner_text()
    assert card.locator(".reason").is_visible() and card.locator(".steps").is_visible()
    assert card.locator(".figure").is_visible() and card.locator(".figure svg.strip").count() == 3
    assert card.locator("summary").evaluate("summary => summary === document.activeElement")
    current = page.locator("a.claim-mark.is-current")
    assert current.count() == 1 and current.get_attribute("data-claim") == "4"

    # The keyboard works too: focus the Naro claim's highlight, press Enter.
    page.locator("#mark-5").focus()
    page.keyboard.press("Enter")
    naro = page.locator("#claim-5")
    assert naro.locator("details").evaluate("details => details.open")
    assert naro.locator(".disagree").is_visible() and "Astronautix" in naro.inner_text()
    assert page.url.endswith("#claim-5")

    page.evaluate("window.scrollTo(0, 0)")  # the summary and the first highlights, beside the open card
    shot = Path(os.environ.get("CLAIMCHECK_SCREENSHOT_DIR", tmp_path)) / "report.png"
    page.screenshot(path=str(shot), full_page=False)
    assert shot.stat().st_size > 10_000
    assert page.problems == []


def test_xss_payloads_stay_inert(server, page):
    _, base = server
    _post_article(page, base, XSS["title"], XSS["text"], publisher=XSS["publisher"])
    for mark in page.locator("a.claim-mark").all():
        mark.click()
    page.locator("details").first.evaluate("details => { details.open = false; details.open = true; }")
    page.wait_for_timeout(200)
    assert page.evaluate("window.__xss") is None
    assert page.problems == []
    assert (
        page.locator("img, iframe, svg[onload], body[onload], .article script, .article style").count() == 0
    )
    assert "<script>window.__xss = 'title'</script>Payloads" in page.locator("h1").inner_text()
    article = page.locator(".article").inner_text()
    assert "<img src=x onerror=" in article and "[link](javascript:alert('markdown'))" in article
    assert "</script><script>window.__xss = 'breakout'</script>" in article
    assert page.locator("a[href^='javascript']").count() == 0
    assert page.locator("body").is_visible()  # the <style> payload did not hide the page


def test_a_crawler_reads_the_claimreview_json_ld(server, page):
    _, base = server
    _post_article(
        page,
        base,
        "Meeting After 4 Years and 5 Months",
        founding_article(),
        publisher="The Asia Business Daily",
        url="https://www.asiae.co.kr/article/2023091308123",
    )
    data = extruct.extract(page.content(), base_url=page.url, syntaxes=["json-ld"], uniform=True)
    reviews = [item for item in data["json-ld"] if item.get("@type") == "ClaimReview"]
    assert len(reviews) == page.locator(".article a.claim-mark").count() == 7
    report_id = page.url.rsplit("/", 1)[1]
    for number, review in enumerate(reviews, start=1):
        assert review["@context"] == "https://schema.org"
        assert review["url"] == f"https://checks.example.org/reports/{report_id}#claim-{number}"
        assert 0 < len(review["claimReviewed"]) < 75
        rating = review["reviewRating"]
        assert rating["worstRating"] <= rating["ratingValue"] <= rating["bestRating"]
        assert rating["alternateName"] and rating["ratingExplanation"]
        assert review["author"]["@type"] == "Organization" and review["author"]["name"]
        assert review["datePublished"]
        item = review["itemReviewed"]
        assert item["@type"] == "Claim" and item["@id"].startswith("https://checks.example.org/claims/")
        assert item["author"]["name"] == "The Asia Business Daily" and item["datePublished"] == "2023-09-13"
        assert item["appearance"][0]["url"] == "https://www.asiae.co.kr/article/2023091308123"
    assert all(review["citation"] for review in reviews if review["reviewRating"]["ratingValue"] != 3)
