"""`powerstruggle view` in a real headless Chromium: load, step a year, flip the testament, Monte Carlo.

Marked `browser`; it fails (never skips) when Chromium or Playwright is missing: `make test` installs both.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-default-apps",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = pytest.mark.browser


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    port = free_port()
    env = {**os.environ, "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False"}
    cmd = [
        sys.executable,
        "-m",
        "sim",
        "view",
        str(ROOT / "scenarios" / "historical.toml"),
        "--port",
        str(port),
    ]
    proc = subprocess.Popen(
        cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                if urllib.request.urlopen(url, timeout=2).status == 200:
                    break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                out = proc.stdout.read() if proc.stdout else ""
                pytest.fail(f"powerstruggle view did not answer at {url}: {out[-500:]}")
            time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def test_view_steps_steers_and_runs_monte_carlo(server: str, tmp_path: Path) -> None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.fail("chromium not found: install Debian's chromium package (make test does)")
    try:
        from playwright.sync_api import expect, sync_playwright
    except ImportError:
        pytest.fail("playwright not installed: pip install -e '.[dev,viz]' (make test does)")

    errors: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(server)
            step = page.get_by_role("button", name="Step")
            step.wait_for(timeout=60_000)
            timeline = page.locator(".ps-timeline")
            expect(timeline).to_contain_text("January 1924", timeout=30_000)

            # Step a year: the date, the support panel and the chronicle change.
            step.click()
            expect(timeline).to_contain_text("Month 1 of", timeout=30_000)
            support = page.locator(".ps-support")
            chronicle = page.locator(".ps-chronicle")
            support_before = support.screenshot()
            chronicle_before = chronicle.inner_text()
            for _ in range(11):
                step.click()
            expect(timeline).to_contain_text("December 1924", timeout=60_000)
            page.wait_for_timeout(500)
            assert support.screenshot() != support_before
            chronicle_after = chronicle.inner_text()
            assert chronicle_after != chronicle_before
            assert "Testament is read to the delegations" in chronicle_after
            page.screenshot(path=str(tmp_path / "view_year.png"), full_page=True)

            # Flip the testament switch; it applies on Reset, and the view says so.
            page.get_by_text("Lenin's Testament is published").click()
            page.get_by_role("button", name="Reset").click()
            expect(timeline).to_contain_text("testament_published=True", timeout=30_000)
            expect(timeline).to_contain_text("Month 0 of", timeout=30_000)
            for _ in range(5):
                step.click()
            expect(timeline).to_contain_text("May 1924", timeout=60_000)
            expect(chronicle).to_contain_text("Testament is published", timeout=30_000)

            # A small Monte Carlo of these settings beside the historical baseline.
            mc = page.locator(".ps-montecarlo")
            mc.scroll_into_view_if_needed()
            replicates = mc.get_by_label("Replicates")
            replicates.fill("3")
            replicates.press("Enter")
            mc.get_by_role("button", name="Run Monte Carlo").click()
            expect(mc).to_contain_text("P(winner) over 3 replicates each", timeout=120_000)
            expect(mc.locator("table.mc-table tr")).not_to_have_count(1)
            page.screenshot(path=str(tmp_path / "view_monte_carlo.png"), full_page=True)
        finally:
            browser.close()
    assert not errors, f"browser console errors: {errors[:3]}"
