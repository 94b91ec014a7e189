"""The review page in headless Chromium against a live server whose store /v1/correct filled.

Few and quick on purpose (one server, one browser for the module). With
``FOLLOWFIX_UI_SCREENSHOTS=<dir>`` each view is also saved as a PNG (the ones in docs/ui.md).
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.service.ui.browser import CHROMIUM, chromium
from tests.service.ui.server import KEY, UiServer, ui_server

SHOTS = os.environ.get("FOLLOWFIX_UI_SCREENSHOTS")


@pytest.fixture(scope="module")
def ui(tmp_path_factory: pytest.TempPathFactory) -> Iterator[UiServer]:
    with ui_server(tmp_path_factory.mktemp("review-browser")) as server:
        yield server


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip(f"NO CHROMIUM at {CHROMIUM}: apt-get install -y chromium (the browser tests did NOT run)")
    with chromium() as launched:
        yield launched


@pytest.fixture
def page(browser: Any, ui: UiServer) -> Iterator[Any]:
    """A fresh page whose user entered the API key once, in the page."""
    context = browser.new_context(viewport={"width": 1120, "height": 720})
    opened = context.new_page()
    opened.set_default_timeout(15_000)
    problems: list[str] = []  # script errors and CSP refusals (an asset from elsewhere) fail the test
    opened.on("pageerror", lambda exc: problems.append(str(exc)))
    opened.on("console", lambda msg: problems.append(msg.text) if unexpected(msg) else None)
    opened.goto(f"{ui.url}/ui")
    assert "Enter a valid API key" in opened.locator("#view-error").inner_text()  # no key yet: refused
    opened.fill("#reviewer", "dana")
    opened.fill("#apikey", KEY)
    opened.click("#auth button")
    opened.wait_for_selector("#corrections tbody tr.row")
    yield opened
    context.close()
    assert problems == []


def unexpected(message: Any) -> bool:
    """A console error other than the API's deliberate 401/422 answers (a CSP refusal, a 404, a bug)."""
    text = message.text
    return message.type == "error" and not ("status of 401" in text or "status of 422" in text)


def shot(page: Any, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=False)


def rows(page: Any) -> list[str]:
    return page.locator("#corrections tbody tr.row").evaluate_all("rs => rs.map(r => r.dataset.id)")


def test_filter_then_open_a_correction_and_see_the_diff(page: Any, ui: UiServer):
    assert rows(page) == ui.ids[::-1]
    shot(page, "corrections")
    page.select_option("select[name=status]", "failed")
    page.fill("input[name=q]", "essay")
    page.click("#filters button")
    expect(page.locator("#corrections tbody tr.row")).to_have_count(2)
    assert rows(page) == [ui.ids[9], ui.ids[8]]
    assert "status=failed" in page.url  # a filtered view is a link

    page.goto(f"{ui.url}/ui#/corrections?constraint=change_case:english_lowercase")
    expect(page.locator("#corrections tbody tr.row")).to_have_count(4)
    page.click(f"tr[data-id='{ui.ids[0]}']")
    page.wait_for_selector("#before del")
    assert page.locator("#before del").all_inner_texts() == ["Green Tea ", "Calm ", "Japan."]
    assert page.locator("#after ins").all_inner_texts() == ["green tea ", "calm ", "japan."]
    assert page.locator("#status").inner_text() == "corrected"
    verdict = page.locator("#verdicts tbody tr").first
    assert verdict.locator("td").nth(1).get_attribute("class") == "fail"
    assert verdict.locator("td").nth(2).get_attribute("class") == "pass"
    assert "repair" in page.locator("#trajectory").inner_text()
    shot(page, "correction")


def exported(ui: UiServer, curation: str) -> set[str]:
    reply = ui.http.get("/v1/pairs", params={"curation": curation})
    return {json.loads(line)["correction_id"] for line in reply.text.splitlines()}


def test_reject_a_pair_and_it_leaves_the_export(page: Any, ui: UiServer):
    target = ui.ids[1]
    assert target in exported(ui, "not_rejected")
    page.goto(f"{ui.url}/ui#/c/{target}")
    page.click(".pair .reject")
    page.wait_for_selector(".pair [data-testid=decision]:text('rejected')")
    assert "by dana" in page.locator(".pair h3").inner_text()
    assert target not in exported(ui, "not_rejected")
    assert target in exported(ui, "all")


def test_a_chosen_text_that_fails_cannot_be_saved(page: Any, ui: UiServer):
    target = ui.ids[3]  # a no-comma pair
    before = ui.http.get(f"/v1/corrections/{target}").json()["pairs"][0]["chosen"]
    page.goto(f"{ui.url}/ui#/c/{target}")
    page.click(".pair .edit")
    page.fill(".pair textarea.chosen", "Apples, pears and plums")
    page.wait_for_selector(".pair .live .fail")  # re-verified as it is typed
    page.click(".pair .save")
    page.wait_for_selector(".pair .save-error:has-text('Not saved')")
    assert "punctuation:no_comma" in page.locator(".pair .save-error").inner_text()
    shot(page, "curation")
    assert ui.http.get(f"/v1/corrections/{target}").json()["pairs"][0]["chosen"] == before


def test_watch_a_job_progress(page: Any, ui: UiServer):
    created = ui.http.post(
        "/v1/jobs?concurrency=1", content=ui.job_rows(8), headers={"content-type": "application/x-ndjson"}
    )
    assert created.status_code == 201, created.text
    job_id = created.json()["id"]
    page.goto(f"{ui.url}/ui#/jobs")
    cell = page.locator(f"tr[data-job='{job_id}'] td.done")
    seen: list[str] = []
    deadline = time.monotonic() + 60
    while not seen or seen[-1] != "8 / 8":
        assert time.monotonic() < deadline, seen
        text = cell.inner_text()
        if not seen or seen[-1] != text:
            seen.append(text)
        if len(seen) == 2:
            shot(page, "jobs")
        time.sleep(0.2)
    assert len(seen) >= 3, f"the page never showed the job between start and end: {seen}"
    page.click(f"tr[data-job='{job_id}'] a")
    expect(page.locator("#corrections tbody tr.row")).to_have_count(8)
    page.goto(f"{ui.url}/ui#/overview")
    page.wait_for_selector("#chart-pass rect", state="attached")
    assert page.locator("#chart-calls rect").count() > 0
    shot(page, "overview")
