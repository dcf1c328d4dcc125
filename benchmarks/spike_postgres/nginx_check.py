"""Test docs/deploy/nginx.conf.example: nginx in front of two `streamlit hello` replicas.

Starts both replicas (same cookie secret) and nginx with the example config (ports moved to
free ones, logs in a temporary folder), then checks: pages are proxied, fresh browsers are
spread over both replicas, a browser with the route cookie always reaches the same replica,
and the WebSocket upgrade on /_stcore/stream goes through (websockets client and curl) to that
replica. Stops everything it started. Needs nginx (Debian) and a venv with streamlit and
websockets.

    venv/bin/python benchmarks/spike_postgres/nginx_check.py
"""

from __future__ import annotations

import asyncio
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from pathlib import Path

import websockets
from websockets.asyncio.client import connect

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "docs" / "deploy" / "nginx.conf.example"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError(url)


def get(url: str, cookie: str | None = None) -> tuple[int, str | None, str]:
    req = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    with urllib.request.urlopen(req, timeout=10) as r:
        set_cookie = r.headers.get("Set-Cookie")
        return r.status, set_cookie, r.read().decode("utf-8", "replace")


def log_lines(log: Path) -> list[str]:
    time.sleep(0.3)  # nginx writes the line when the request ends
    return log.read_text().splitlines()


def upstream_of(line: str) -> str:
    return re.search(r"upstream=(\S+)", line).group(1)


async def websocket_roundtrip(url: str, cookie: str, origin: str) -> str:
    async with connect(
        url, additional_headers={"Cookie": cookie}, origin=origin, subprotocols=["streamlit"]
    ) as ws:
        pong = await ws.ping()
        await asyncio.wait_for(pong, 5)
        return f"101 Switching Protocols, subprotocol {ws.subprotocol}, ping/pong ok"


def main() -> int:
    tmp = Path(tempfile.mkdtemp(prefix="kl_nginx_"))
    listen, backends = free_port(), [free_port(), free_port()]
    site = EXAMPLE.read_text()
    site = site.replace("127.0.0.1:8501", f"127.0.0.1:{backends[0]}")
    site = site.replace("127.0.0.1:8502", f"127.0.0.1:{backends[1]}")
    site = site.replace("listen 127.0.0.1:8080", f"listen 127.0.0.1:{listen}")
    site = site.replace("/var/log/nginx/kl_dash.access.log", str(tmp / "access.log"))
    (tmp / "kl_dash.conf").write_text(site)
    for d in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (tmp / d).mkdir()
    (tmp / "nginx.conf").write_text(
        f"user root;\nworker_processes 1;\npid {tmp}/nginx.pid;\nerror_log {tmp}/error.log;\n"
        "events { worker_connections 256; }\n"
        f"http {{\n  client_body_temp_path {tmp}/body;\n  proxy_temp_path {tmp}/proxy;\n"
        f"  fastcgi_temp_path {tmp}/fastcgi;\n  uwsgi_temp_path {tmp}/uwsgi;\n"
        f"  scgi_temp_path {tmp}/scgi;\n  include {tmp}/kl_dash.conf;\n}}\n"
    )
    started: list[subprocess.Popen] = []
    failures = 0

    def report(ok: bool, text: str) -> None:
        nonlocal failures
        failures += not ok
        print(("PASS " if ok else "FAIL ") + text)

    try:
        test = subprocess.run(
            ["nginx", "-t", "-p", str(tmp), "-c", str(tmp / "nginx.conf")],
            capture_output=True,
            text=True,
        )
        report(test.returncode == 0, "nginx -t accepts the example: " + test.stderr.strip()[-60:])
        env = os.environ | {"STREAMLIT_SERVER_COOKIE_SECRET": "same-secret-on-every-replica"}
        for port in backends:
            started.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "streamlit",
                        "hello",
                        "--server.port",
                        str(port),
                        "--server.address",
                        "127.0.0.1",
                        "--server.headless",
                        "true",
                        "--browser.gatherUsageStats",
                        "false",
                    ],
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
        started.append(
            subprocess.Popen(
                ["nginx", "-p", str(tmp), "-c", str(tmp / "nginx.conf"), "-g", "daemon off;"]
            )
        )
        for port in backends:
            wait_http(f"http://127.0.0.1:{port}/_stcore/health")
        base = f"http://127.0.0.1:{listen}"
        wait_http(base + "/_stcore/health")
        log = tmp / "access.log"

        # Fresh browsers: each gets its own route cookie and lands on either replica.
        n0 = len(log_lines(log))
        cookies = []
        for _ in range(16):
            status, set_cookie, body = get(base + "/")
            cookies.append(set_cookie.split(";", 1)[0])
        spread = Counter(upstream_of(line) for line in log_lines(log)[n0:])
        report(
            status == 200 and "<title>streamlit</title>" in body.lower(),
            "GET / proxied (200, Streamlit's page)",
        )
        report(len(spread) == 2, f"16 fresh browsers spread over both replicas: {dict(spread)}")

        # One browser: every request with its cookie reaches one replica.
        cookie = cookies[0]
        n0 = len(log_lines(log))
        for path in ["/", "/_stcore/health", "/_stcore/host-config"] * 4:
            status, set_cookie, _ = get(base + path, cookie)
        same = Counter(upstream_of(line) for line in log_lines(log)[n0:])
        report(len(same) == 1, f"12 requests with {cookie} all on one replica: {dict(same)}")
        report(set_cookie.split(";", 1)[0] == cookie, "the route cookie is kept, not replaced")
        replica = next(iter(same))

        # The WebSocket: upgraded through nginx, to the same replica.
        n0 = len(log_lines(log))
        ws_url = f"ws://127.0.0.1:{listen}/_stcore/stream"
        try:
            text = asyncio.run(websocket_roundtrip(ws_url, cookie, base))
            report(True, f"WebSocket via websockets {websockets.__version__}: {text}")
        except Exception as exc:  # noqa: BLE001 - reported as a failure
            report(False, f"WebSocket: {exc!r}")
        ws_lines = [line for line in log_lines(log)[n0:] if "/_stcore/stream" in line]
        report(
            bool(ws_lines) and " 101 " in ws_lines[0] and upstream_of(ws_lines[0]) == replica,
            f"nginx logged the upgrade as 101 on the cookie's replica: {ws_lines[:1]}",
        )
        curl = subprocess.run(
            [
                "curl",
                "--silent",
                "--include",
                "--max-time",
                "3",
                "--http1.1",
                "-H",
                "Connection: Upgrade",
                "-H",
                "Upgrade: websocket",
                "-H",
                "Sec-WebSocket-Version: 13",
                "-H",
                "Sec-WebSocket-Key: c3Bpa2UtY2hlY2stMDAwMQ==",
                "-H",
                "Sec-WebSocket-Protocol: streamlit",
                "-H",
                f"Origin: {base}",
                "-H",
                f"Cookie: {cookie}",
                ws_url.replace("ws://", "http://"),
            ],
            capture_output=True,
            text=True,
        )
        head = curl.stdout.split("\r\n\r\n", 1)[0]
        report(
            head.startswith("HTTP/1.1 101") and "upgrade: websocket" in head.lower(),
            "curl --include sees: " + " | ".join(head.splitlines()[:4]),
        )
    finally:
        for proc in reversed(started):
            proc.terminate()
        for proc in started:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
    print(
        f"{'all checks passed' if not failures else f'{failures} check(s) failed'}; "
        f"stopped nginx and both replicas; files in {tmp}"
    )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
