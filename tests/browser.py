"""A page in a real headless Chromium, offline, driven over the DevTools protocol with
tornado's websocket client (already installed with Jupyter) — no browser-automation package.
Shared by the report and Data Docs browser tests."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest

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

FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-extensions", "--disable-default-apps", "--mute-audio",
    # Offline: any name lookup fails, so a stray fetch shows up as a failed request.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost",
    "--remote-debugging-port=0",
]


class Cdp:
    """A minimal DevTools-protocol session on one page (flattened target session)."""

    def __init__(self, ws):
        self.ws, self.seq, self.events, self.session = ws, 0, [], None

    async def send(self, method: str, params: dict | None = None, timeout: float = 30) -> dict:
        self.seq += 1
        msg = {"id": self.seq, "method": method, "params": params or {}}
        if self.session and not method.startswith("Target."):
            msg["sessionId"] = self.session
        await self.ws.write_message(json.dumps(msg))
        while True:
            raw = await asyncio.wait_for(self.ws.read_message(), timeout)
            if raw is None:
                raise RuntimeError("chromium closed the DevTools connection")
            data = json.loads(raw)
            if data.get("id") == self.seq:
                if "error" in data:
                    raise RuntimeError(f"{method}: {data['error']}")
                return data.get("result", {})
            self.events.append(data)

    async def wait_event(self, name: str, timeout: float = 30) -> dict:
        for e in self.events:
            if e.get("method") == name:
                return e
        while True:
            raw = await asyncio.wait_for(self.ws.read_message(), timeout)
            if raw is None:
                raise RuntimeError("chromium closed the DevTools connection")
            data = json.loads(raw)
            self.events.append(data)
            if data.get("method") == name:
                return data

    async def evaluate(self, expression: str):
        res = await self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True})
        if "exceptionDetails" in res:
            raise RuntimeError(f"page script failed: {res['exceptionDetails']}")
        return res["result"].get("value")


async def _inspect(ws_url: str, page: Path, shot: Path, probe: str,
                   ready: Callable[[dict], bool], width: int) -> dict:
    from tornado.websocket import websocket_connect

    ws = await websocket_connect(ws_url, max_message_size=512 * 1024 * 1024)
    cdp = Cdp(ws)
    target = await cdp.send("Target.createTarget", {"url": "about:blank"})
    att = await cdp.send("Target.attachToTarget", {"targetId": target["targetId"], "flatten": True})
    cdp.session = att["sessionId"]
    for domain in ("Page", "Runtime", "Log", "Network"):
        await cdp.send(f"{domain}.enable")
    await cdp.send("Emulation.setDeviceMetricsOverride",
                   {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": False})
    await cdp.send("Page.navigate", {"url": page.as_uri()})
    await cdp.wait_event("Page.loadEventFired", timeout=60)
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
    with tempfile.TemporaryDirectory(prefix="zf-chromium-", ignore_cleanup_errors=True) as profile:
        proc = subprocess.Popen(
            [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
            start_new_session=True,  # its own process group: we end exactly what we started
        )
        try:
            ws_url = None
            for line in proc.stderr:  # "DevTools listening on ws://127.0.0.1:PORT/devtools/browser/…"
                m = re.search(r"DevTools listening on (ws://\S+)", line)
                if m:
                    ws_url = m.group(1)
                    break
            assert ws_url, "chromium did not start its DevTools endpoint"
            return asyncio.run(asyncio.wait_for(
                _inspect(ws_url, page, shot, probe, ready, width), 120))
        finally:
            try:
                os.killpg(proc.pid, signal.SIGTERM)
                proc.wait(10)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
