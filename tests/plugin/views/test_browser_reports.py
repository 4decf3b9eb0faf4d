"""An L&D admin reads the reports in a real browser, inside the demo LMS's
iframe, in English and in Dutch: chooses a period, sees the 70-20-10 chart
with its table beside it, downloads a CSV, opens the records behind a figure
with their statement ids; axe-core on every page, and on a phone nothing is
wider than the screen."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from plugin.views import report_page

from .browser import LiveStack, assert_accessible

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/shots-report-rows")
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _open_reports(page: Any, stack: LiveStack, lang: str, menu: str) -> Any:
    page.goto(stack.lms.url + "/")
    page.evaluate(
        "lang => { document.getElementById('tool').src ="
        " '/demo/launch/admin?target=iframe&lang=' + lang; }",
        lang,
    )
    frame = page.frame_locator("#tool")
    frame.get_by_role("link", name=menu, exact=True).click(timeout=20_000)
    frame.locator("#report-filters").wait_for()
    return frame


def _last_month(frame: Any, period: str) -> None:
    """Choose the last 30 days: the demo's fortnight, whatever today is."""
    today = datetime.now(UTC).date()
    frame.locator("#filter-period").select_option(period)
    frame.locator("#filter-from").fill((today - timedelta(days=30)).isoformat())
    frame.locator("#filter-to").fill(today.isoformat())
    frame.locator("#show-report").click()
    frame.locator("#mix-chart").wait_for()


def _download(page: Any, frame: Any, selector: str) -> str:
    with page.expect_download() as info:
        frame.locator(selector).click()
    path = info.value.path()
    assert path is not None
    return Path(path).read_bytes().decode("utf-8")


def test_an_lnd_admin_reads_the_reports_in_english(live_stack: LiveStack, browser: Any) -> None:
    context = browser.new_context(accept_downloads=True, viewport={"width": 1200, "height": 900})
    page = context.new_page()
    frame = _open_reports(page, live_stack, "en", "Reports")
    _last_month(frame, "custom")
    assert_accessible(page.frame(name="tool"), "the reports page")

    # The chart: one bar per team plus everyone, coloured segments, a title.
    assert "70-20-10" in frame.locator("#mix-chart-title").text_content()
    assert frame.locator("#mix-chart rect.mode-social").count() >= 2
    assert frame.locator("#trend-chart polyline").count() == 2
    # Its table beside it, with the demo's team and hours.
    table = frame.locator("#table-mix-teams")
    north = table.locator("tr", has_text="Team North onboarding")
    assert north.count() == 1
    social_hours = north.locator("td").nth(1).inner_text()
    assert re.fullmatch(r"\d+\.\d", social_hours)
    assert float(social_hours) > 0

    # The CSV: a BOM, commas, the same figure.
    text = _download(page, frame, "#csv-mix-teams")
    assert text.startswith("\ufeffTeam,On the job: hours,From others: hours")
    north_line = next(line for line in text.splitlines() if line.startswith("Team North"))
    assert north_line.split(",")[2] == social_hours

    # The records behind the figure, with their LRS statement ids.
    north.locator("td").nth(1).locator("a").click()
    frame.locator("#table-records").wait_for()
    assert_accessible(page.frame(name="tool"), "the records behind a figure")
    assert frame.locator("#table-records tbody tr").count() >= 1
    assert UUID.search(frame.locator("#table-records").inner_text())
    records_csv = _download(page, frame, "#csv-records")
    assert records_csv.startswith("\ufeffWhen,Kind,Who,Title,Hours,LRS statement ids")
    frame.locator("#back-to-report").click()
    frame.locator("#mix-chart").wait_for()
    context.close()


def test_an_lnd_admin_reads_the_reports_in_dutch_on_a_phone(
    live_stack: LiveStack, browser: Any
) -> None:
    context = browser.new_context(accept_downloads=True, viewport={"width": 375, "height": 812})
    page = context.new_page()
    frame = _open_reports(page, live_stack, "nl", "Rapporten")
    _last_month(frame, "custom")
    assert frame.locator("html").get_attribute("lang") == "nl"
    assert frame.locator("h1").inner_text() == "Rapporten"
    assert "70-20-10-verdeling" in frame.locator("#mix-chart-title").text_content()
    assert "uren" in frame.locator("#table-mix-teams caption").inner_text()
    north = frame.locator("#table-mix-teams tr", has_text="Team North onboarding")
    social_hours = north.locator("td").nth(1).inner_text()
    assert re.fullmatch(r"\d+,\d", social_hours)  # a decimal comma
    assert_accessible(page.frame(name="tool"), "the Dutch reports page")

    text = _download(page, frame, "#csv-mix-teams")
    header = text.removeprefix("\ufeff").splitlines()[0]
    assert header.startswith("Team;In het werk: uren;Van anderen: uren")
    north_line = next(line for line in text.splitlines() if line.startswith("Team North"))
    assert north_line.split(";")[2] == social_hours

    # A wrong date is a message at the top and next to the field, in Dutch.
    frame.locator("#filter-period").select_option("month")
    frame.locator("#filter-at").fill("2026-13")
    frame.locator("#show-report").click()
    frame.locator("#error-summary").wait_for()
    assert "Vul de periode in zoals 2026-11." in frame.locator("#filter-at-error").inner_text()
    assert_accessible(page.frame(name="tool"), "the Dutch reports page with an error")

    # On a phone the page itself never scrolls sideways (wide tables scroll in their box).
    tool = page.frame(name="tool")
    assert tool is not None
    assert tool.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    context.close()


@pytest.mark.parametrize(
    ("lang", "menu", "first", "people"),
    [
        ("en", "Reports", "The first 1 of", "too many for one page"),
        ("nl", "Rapporten", "De eerste 1 van", "te veel voor één pagina"),
    ],
)
def test_long_tables_show_their_first_rows_on_a_phone(
    live_stack: LiveStack,
    browser: Any,
    monkeypatch: pytest.MonkeyPatch,
    lang: str,
    menu: str,
    first: str,
    people: str,
) -> None:
    """An organisation's tables past the page's rows (here: one, so that the
    demo's data is long enough): their first rows, how many there are and the
    CSV, the per-person mix by CSV alone; axe-core clean, in the LMS iframe."""
    monkeypatch.setattr(report_page, "PAGE_ROWS", 1)  # the tool serves in this process
    context = browser.new_context(accept_downloads=True, viewport={"width": 375, "height": 812})
    page = context.new_page()
    frame = _open_reports(page, live_stack, lang, menu)
    _last_month(frame, "custom")
    assert frame.locator("#table-coaching tbody tr").count() == 1
    shown = frame.locator("#coaching-shown").inner_text()
    assert shown.startswith(first)
    assert frame.locator("#table-mix-people").count() == 0
    assert people in frame.locator("#csv-mix-people").locator("xpath=..").inner_text()
    csv_rows = _download(page, frame, "#csv-coaching").removeprefix("\ufeff").splitlines()[1:]
    assert f" {len(csv_rows)} " in f" {shown} "  # the CSV holds every row the line counts
    assert_accessible(page.frame(name="tool"), f"the reports page with long tables ({lang})")
    SHOTS.mkdir(exist_ok=True)
    section = frame.locator("section", has=frame.locator("#coaching-title"))
    section.scroll_into_view_if_needed()
    page.locator("#tool").screenshot(path=str(SHOTS / f"long-tables-{lang}.png"))
    tool = page.frame(name="tool")
    assert tool is not None
    assert tool.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    context.close()
