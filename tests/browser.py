"""A page in a real headless Chromium, offline, driven over the DevTools protocol with
tornado's websocket client (already installed with Jupyter) — no browser-automation package.
Shared by the report and Data Docs browser tests."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from zfaudit.report.browser import load_page, run_in_browser

CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"

# for a test module: `pytestmark = needs_chromium`
needs_chromium = [
    pytest.mark.browser,
    pytest.mark.skipif(
        CHROMIUM is None and not os.environ.get("CI"),
        reason="chromium 未安装（apt-get install chromium）/ headless chromium not installed; "
        "in CI this test runs and fails instead",
    ),
]


async def _inspect(ws_url: str, page: Path, shot: Path, probe: str,
                   ready: Callable[[dict], bool], width: int) -> dict:
    # the package's own tab opening (zfaudit.report.browser): offline profile, events recorded
    ws, cdp = await load_page(ws_url, page, width, 900)
    state: dict = {}
    for _ in range(50):  # a page may draw asynchronously after load: wait until it is ready
        state = json.loads(await cdp.evaluate(probe))
        if ready(state):
            break
        await asyncio.sleep(0.2)
    height = min(int(await cdp.evaluate("document.documentElement.scrollHeight")), 12000)
    await cdp.send("Emulation.setDeviceMetricsOverride",
                   {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})
    await asyncio.sleep(0.5)  # let resize handlers settle before the screenshot
    png = await cdp.send("Page.captureScreenshot", {"format": "png"}, timeout=60)
    shot.write_bytes(base64.b64decode(png["data"]))
    ws.close()
    ev = cdp.events
    state["errors"] = [
        e["params"] for e in ev
        if (e.get("method") == "Runtime.consoleAPICalled" and e["params"]["type"] in ("error", "assert"))
        or e.get("method") == "Runtime.exceptionThrown"
        or (e.get("method") == "Log.entryAdded" and e["params"]["entry"]["level"] == "error")
    ]
    urls = {e["params"]["requestId"]: e["params"]["request"]["url"]
            for e in ev if e.get("method") == "Network.requestWillBeSent"}
    state["requests"] = sorted(set(urls.values()))
    state["failed"] = sorted(
        (urls.get(e["params"]["requestId"], "?"), e["params"].get("errorText", ""))
        for e in ev if e.get("method") == "Network.loadingFailed"
    )
    return state


def open_in_chromium(page: Path, shot: Path, probe: str = "JSON.stringify({})",
                     ready: Callable[[dict], bool] = lambda state: True,
                     width: int = 1280) -> dict:
    """Open `page` in a fresh headless Chromium profile; return what the `probe` expression (a
    JSON string, polled until `ready`) says, plus console errors, requested and failed URLs;
    save a full-page screenshot to `shot`."""
    assert CHROMIUM, "chromium is required in CI (.ci/run installs it)"
    shot.parent.mkdir(parents=True, exist_ok=True)

    async def job(ws_url: str) -> dict:
        return await _inspect(ws_url, page, shot, probe, ready, width)

    # the package's own launcher (zfaudit.report.browser): a fresh profile, offline, ended after
    return run_in_browser(job, 120, CHROMIUM)
