"""Headless Chromium over the DevTools protocol: a rendered report → PDF, and chart pictures.

Why Chromium: it draws the very HTML the analyst opens (plotly's SVG stays vector in the PDF),
repeats table headers on every page, prints a running header and page numbers, and embeds the
CJK font it used (Debian fonts-wqy-microhei / fonts-noto-cjk). Driven with tornado's websocket
client, already installed with Jupyter — no browser-automation package. The browser runs with a
throw-away profile and every host name resolving to nothing: a report never reaches the network.
"""

from __future__ import annotations

import asyncio
import base64
import concurrent.futures
import contextlib
import html
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ReportError

FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-extensions", "--disable-default-apps", "--mute-audio", "--hide-scrollbars",
    # offline: any name lookup fails, so nothing leaves the machine
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost",
    "--remote-debugging-port=0",
]
CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")

# A4 with room for the running header and the page numbers (millimetres)
PAGE = {"width": 210, "height": 297, "top": 18, "bottom": 16, "left": 14, "right": 14}
MM_PER_INCH = 25.4
CSS_PX_PER_MM = 96 / MM_PER_INCH
PRINT_WIDTH_PX = round((PAGE["width"] - PAGE["left"] - PAGE["right"]) * CSS_PX_PER_MM)

# every plotly chart has drawn its SVG (plotly draws after the load event)
_DRAWN_JS = """(() => {
  const plots = [...document.querySelectorAll('.js-plotly-plot')];
  const drawn = plots.filter(p => [...p.querySelectorAll('svg.main-svg')].some(s => s.childElementCount > 0));
  return plots.length === drawn.length;
})()"""
_BOXES_JS = """JSON.stringify([...document.querySelectorAll('.js-plotly-plot')].map(p => {
  const r = p.getBoundingClientRect();
  return {x: r.left + window.scrollX, y: r.top + window.scrollY, width: r.width, height: r.height};
}))"""


def chromium_path() -> str:
    """The Chromium executable: $ZFAUDIT_CHROMIUM, else the first on PATH."""
    env = os.environ.get("ZFAUDIT_CHROMIUM")
    found = env or next((p for p in map(shutil.which, CANDIDATES) if p), None)
    if not found or not Path(found).is_file() or not os.access(found, os.X_OK):
        raise ReportError(
            "生成 PDF / Word 需要 Chromium：apt-get install chromium fonts-wqy-microhei（或设置 "
            "ZFAUDIT_CHROMIUM）/ PDF and Word output need headless Chromium: install it or set "
            "ZFAUDIT_CHROMIUM"
        )
    return found


@dataclass
class Capture:
    """What one visit to a page produced."""

    pdf: bytes | None = None
    charts: list[bytes | None] = field(default_factory=list)  # PNG per chart, in page order


def capture(page: Path, *, pdf_header: str | None = None, charts: bool = False,
            timeout: float = 180) -> Capture:
    """Open `page` at the printable width of A4; print it to PDF when `pdf_header` is given
    (that text at the top of every page, 第 N 页，共 M 页 at the bottom) and take a picture of
    every chart when `charts`."""
    exe = chromium_path()
    job = _visit(page.resolve(), pdf_header, charts)
    # a thread of its own: the caller may be a Jupyter kernel with its event loop running
    pool = concurrent.futures.ThreadPoolExecutor(1)
    try:
        return pool.submit(run_in_browser, job, timeout, exe).result()
    except BaseException:
        end_browsers()  # interrupted (Ctrl-C, SIGTERM): the browser goes too, the thread ends
        raise
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


_LIVE: set[int] = set()  # process groups of the browsers running now


def end_browsers() -> None:
    """End every browser this process started (a signal handler calls this before exiting:
    Chromium runs in its own session and would outlive us)."""
    for pgid in list(_LIVE):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pgid, signal.SIGKILL)
        _LIVE.discard(pgid)


def run_in_browser(job, timeout: float = 180, exe: str | None = None):
    """Start a fresh headless Chromium (throw-away profile, offline), run `await job(ws_url)`
    against its DevTools endpoint and end the browser, whatever happens."""
    exe = exe or chromium_path()
    with tempfile.TemporaryDirectory(prefix="zf-chromium-", ignore_cleanup_errors=True) as profile:
        proc = subprocess.Popen(
            [exe, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            start_new_session=True,  # its own process group: we end exactly what we started
        )
        _LIVE.add(proc.pid)
        try:
            ws_url = _devtools_url(proc, START_SECONDS)
            if not ws_url:
                code = proc.poll()
                raise ReportError(
                    f"Chromium 未能启动 / Chromium did not start ({exe}): "
                    + (f"it exited with code {code}" if code is not None
                       else f"no DevTools address within {START_SECONDS} s"))
            return asyncio.run(asyncio.wait_for(job(ws_url), timeout))
        except TimeoutError as e:
            raise ReportError(f"Chromium 处理超时 / Chromium timed out ({e or f'after {timeout:.0f} s'})") from e
        finally:
            try:
                os.killpg(proc.pid, signal.SIGTERM)
                proc.wait(10)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
            _LIVE.discard(proc.pid)


START_SECONDS = 30


def _devtools_url(proc: subprocess.Popen, seconds: float) -> str | None:
    """The "DevTools listening on ws://…" address Chromium prints, or None after `seconds`."""
    import select
    import time

    deadline, buf = time.monotonic() + seconds, b""
    fd = proc.stderr.fileno()
    while (left := deadline - time.monotonic()) > 0:
        ready, _, _ = select.select([fd], [], [], left)
        if not ready:
            break
        chunk = os.read(fd, 65536)
        if not chunk:  # the browser exited
            break
        buf += chunk
        m = re.search(rb"DevTools listening on (ws://\S+)", buf)
        if m:
            # keep reading its messages, so a full pipe never blocks the browser
            threading.Thread(target=_drain, args=(fd,), daemon=True).start()
            return m.group(1).decode()
    return None


def _drain(fd: int) -> None:
    with contextlib.suppress(OSError):
        while os.read(fd, 65536):
            pass


class Cdp:
    """A minimal DevTools-protocol session on one page (flattened target session)."""

    def __init__(self, ws):
        self.ws, self.seq, self.events, self.session = ws, 0, [], None

    async def send(self, method: str, params: dict | None = None, timeout: float = 60) -> dict:
        self.seq += 1
        mine = self.seq  # a dismissed dialog takes the next id while we wait
        msg = {"id": mine, "method": method, "params": params or {}}
        if self.session and not method.startswith("Target."):
            msg["sessionId"] = self.session
        await self.ws.write_message(json.dumps(msg))
        while True:
            data = await self._read(timeout)
            if data.get("id") == mine:
                if "error" in data:
                    raise ReportError(f"Chromium {method}: {data['error']}")
                return data.get("result", {})
            self.events.append(data)

    async def dismiss_dialogs(self, data: dict) -> None:
        """A page that opens alert()/confirm() (a name in the data reading "<script>alert…",
        however escaped the report is meant to be) would block printing: dismiss it."""
        if data.get("method") == "Page.javascriptDialogOpening":
            self.seq += 1
            await self.ws.write_message(json.dumps({
                "id": self.seq, "method": "Page.handleJavaScriptDialog",
                "params": {"accept": False}, "sessionId": self.session}))

    async def wait_event(self, name: str, timeout: float = 60) -> dict:
        for e in self.events:
            if e.get("method") == name:
                return e
        while True:
            data = await self._read(timeout)
            self.events.append(data)
            if data.get("method") == name:
                return data

    async def evaluate(self, expression: str):
        res = await self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True,
                                                   "awaitPromise": True})
        return res["result"].get("value")

    async def _read(self, timeout: float) -> dict:
        try:
            raw = await asyncio.wait_for(self.ws.read_message(), timeout)
        except TimeoutError as e:
            raise TimeoutError(f"no answer from Chromium within {timeout:.0f} s") from e
        if raw is None:
            raise ReportError("Chromium 关闭了连接 / Chromium closed the DevTools connection")
        data = json.loads(raw)
        await self.dismiss_dialogs(data)
        return data


async def open_page(ws_url: str, page: Path, width: int, height: int = 1000):
    """Connect, open `page` in a new tab of `width` CSS pixels and wait until every chart
    drew and the fonts are ready; returns (websocket, Cdp)."""
    ws, cdp = await load_page(ws_url, page, width, height)
    for _ in range(100):
        if await cdp.evaluate(_DRAWN_JS):
            break
        await asyncio.sleep(0.1)
    await cdp.evaluate("document.fonts.ready.then(() => true)")
    return ws, cdp


async def load_page(ws_url: str, page: Path, width: int, height: int = 1000):
    """Connect and open `page` in a new tab of `width` CSS pixels, until its load event; the
    Page, Runtime, Log and Network events are in `cdp.events`. Returns (websocket, Cdp)."""
    from tornado.websocket import websocket_connect

    ws = await websocket_connect(ws_url, max_message_size=512 * 1024 * 1024)
    cdp = Cdp(ws)
    target = await cdp.send("Target.createTarget", {"url": "about:blank"})
    att = await cdp.send("Target.attachToTarget", {"targetId": target["targetId"], "flatten": True})
    cdp.session = att["sessionId"]
    for domain in ("Page", "Runtime", "Log", "Network"):
        await cdp.send(f"{domain}.enable")
    await cdp.send("Emulation.setDeviceMetricsOverride",
                   {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})
    await cdp.send("Page.navigate", {"url": page.as_uri()})
    try:
        await cdp.wait_event("Page.loadEventFired", timeout=120)
    except TimeoutError as e:
        raise TimeoutError(f"{page.name} did not finish loading within 120 s") from e
    return ws, cdp


def _visit(page: Path, pdf_header: str | None, charts: bool):
    async def job(ws_url: str) -> Capture:
        ws, cdp = await open_page(ws_url, page, PRINT_WIDTH_PX)
        out = Capture()
        try:
            if charts:
                out.charts = await _chart_pictures(cdp)
            if pdf_header is not None:
                out.pdf = await _print(cdp, pdf_header)
        finally:
            ws.close()
        return out

    return job


async def _chart_pictures(cdp: Cdp) -> list[bytes | None]:
    """Each chart scrolled into a viewport as tall as the tallest: capturing beyond the viewport
    would lay the whole (long) page out again for every picture."""
    boxes = json.loads(await cdp.evaluate(_BOXES_JS))
    tallest = max((b["height"] for b in boxes), default=0)
    if tallest >= 1:
        await cdp.send("Emulation.setDeviceMetricsOverride", {
            "width": PRINT_WIDTH_PX, "height": int(tallest) + 2, "deviceScaleFactor": 1,
            "mobile": False})
        boxes = json.loads(await cdp.evaluate(_BOXES_JS))  # after the resize
    shots: list[bytes | None] = []
    for box in boxes:
        if box["width"] < 1 or box["height"] < 1:
            shots.append(None)  # keeps the next pictures under their own headings
            continue
        await cdp.evaluate(f"window.scrollTo(0, {box['y']})")
        png = await cdp.send("Page.captureScreenshot", {
            "format": "png",
            "clip": {**box, "scale": 2},  # twice the CSS pixels: sharp when Word prints it
        })
        shots.append(base64.b64decode(png["data"]))
    return shots


_FONT = ("font-family: 'WenQuanYi Micro Hei', 'Noto Sans CJK SC', 'Microsoft YaHei', sans-serif; "
         "font-size: 8pt; color: #555; width: 100%; margin: 0 14mm;")


async def _print(cdp: Cdp, header: str) -> bytes:
    res = await cdp.send("Page.printToPDF", {
        "paperWidth": PAGE["width"] / MM_PER_INCH, "paperHeight": PAGE["height"] / MM_PER_INCH,
        "marginTop": PAGE["top"] / MM_PER_INCH, "marginBottom": PAGE["bottom"] / MM_PER_INCH,
        "marginLeft": PAGE["left"] / MM_PER_INCH, "marginRight": PAGE["right"] / MM_PER_INCH,
        "printBackground": True, "displayHeaderFooter": True,
        "headerTemplate": f'<div style="{_FONT} text-align: center; border-bottom: 0.5pt solid #999; '
                          f'padding-bottom: 1mm;">{html.escape(header)}</div>',
        "footerTemplate": f'<div style="{_FONT} text-align: center;">第 <span class="pageNumber">'
                          '</span> 页，共 <span class="totalPages"></span> 页</div>',
    }, timeout=180)
    return base64.b64decode(res["data"])
