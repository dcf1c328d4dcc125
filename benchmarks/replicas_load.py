"""The same load on one and on two app replicas behind nginx, on one PostgreSQL.

Run from the repository (needs Debian's postgresql, nginx and chromium):

    python benchmarks/replicas_load.py [--sessions 8] [--reruns 6]

Starts a PostgreSQL of its own (tests/pg.py), fills it with ``kl-dash init``, then for 1 and
for 2 replicas (``streamlit run app.py``, public reading, behind nginx with
docs/deploy/nginx.conf.example, tests/deploy.py): ``--sessions`` browser sessions at once
in Debian's chromium each open Overblik and then switch page ``--reruns`` times (Kommuner,
Overblik, ...), each switch timed from the click until the page is drawn and idle. Prints,
per run: sessions served, errors, rerun p50 and p95, how many requests each replica served
and how many browser sessions moved between replicas (nginx's log; none should). It asserts
nothing about times: on a shared machine they are figures to read, not to test. Everything
it starts is stopped at the end. tests/e2e/test_replicas.py runs ``run`` with a small load.
"""

from __future__ import annotations

# ruff: noqa: E402  (the imports below sys.path.insert must come after it)
import argparse
import asyncio
import re
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.async_api import async_playwright

from kl_dash import bootstrap
from tests import pg
from tests.deploy import Nginx, nginx_binary
from tests.running import Server

CHROMIUM = "/usr/bin/chromium"
WAIT_MS = 120_000
# (link in the sidebar, its URL path, its heading or None for Overblik's cards), in turn
LINKS = [("Kommuner", "/kommuner", "Kommuner"), ("Overblik", "/?", None)]
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
SHOWN = "shown by the app: "
ENV = {  # every replica: public reading, the same cookie secret, no file watcher (as deployed)
    "KL_DASH_PUBLIC_READ": "1",
    "STREAMLIT_SERVER_FILE_WATCHER_TYPE": "none",
    "STREAMLIT_SERVER_COOKIE_SECRET": "same-on-every-replica",
}


async def session(
    browser, url: str, route: str, reruns: int, times: list[float], errors: list[str]
) -> bool:
    """One reader: open Overblik, then switch page ``reruns`` times; True when all went well."""
    context = await browser.new_context()
    await context.add_cookies([{"name": "kl_dash_route", "value": route, "url": url}])
    context.set_default_timeout(WAIT_MS)
    page = await context.new_page()
    try:
        await page.goto(f"{url}/?partnerskab=it-2017")
        await page.get_by_test_id("stMetric").first.wait_for()
        await page.locator(IDLE).wait_for()
        for n in range(reruns):
            began = time.monotonic()
            link, path, heading = LINKS[n % 2]
            await page.get_by_role("link", name=link).click()
            await page.wait_for_function("path => location.href.includes(path)", arg=path)
            if heading:
                await page.get_by_role("heading", name=heading, exact=True).wait_for()
            else:
                await page.get_by_test_id("stMetric").first.wait_for()
            await page.locator(IDLE).wait_for()
            times.append(time.monotonic() - began)
        shown = page.locator("[data-testid='stException'], [data-testid='stAlertContentError']")
        errors += [f"{SHOWN}{await e.inner_text()}" for e in await shown.all()]
        return True
    except Exception as exc:  # a session that fails counts as an error, the run goes on
        errors.append(f"{type(exc).__name__}: {str(exc)[:200]}")
        return False
    finally:
        await context.close()


async def load(
    url: str, routes: list[str], reruns: int, limit: float | None
) -> tuple[int, list[str], list[float]]:
    """A reader per route cookie, all at once; one not done within ``limit`` s is an error."""
    times: list[float] = []
    errors: list[str] = []

    async def bounded(route: str) -> bool:
        try:
            return await asyncio.wait_for(
                session(browser, url, route, reruns, times, errors), limit
            )
        except TimeoutError:
            errors.append(f"TimeoutError: not done within {limit:.0f} s")
            return False

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        )
        try:
            served = await asyncio.gather(*(bounded(route) for route in routes))
        finally:
            await browser.close()
    return sum(served), errors, times


@dataclass
class Run:
    """What one load on ``replicas`` replicas gave: the figures the issue asks for."""

    replicas: int
    sessions: int
    served: int
    errors: list[str]  # those the app showed start with SHOWN; the rest are failed sessions
    times: list[float]  # seconds of each page switch, from the click until drawn and idle
    seconds: float
    per_replica: dict[str, int]  # requests served, by the replica's port (nginx's log)
    moved: int  # browser sessions (route cookies) served by more than one replica

    def summary(self) -> str:
        """One line: sessions served, errors, rerun p50 and p95, requests per replica."""
        p50 = statistics.median(self.times) if self.times else float("nan")
        p95 = statistics.quantiles(self.times, n=20)[18] if len(self.times) >= 2 else p50
        return (
            f"{self.replicas} replica(s): {self.served}/{self.sessions} sessions served, "
            f"{len(self.errors)} errors, rerun p50 {p50:.2f} s, p95 {p95:.2f} s "
            f"({len(self.times)} reruns, {self.seconds:.0f} s in all); requests per replica "
            f"{self.per_replica}, {self.moved} sessions moved between replicas"
        )


def run(
    url: str,
    nginx: str,
    replicas: int,
    sessions: int,
    reruns: int,
    logs: Path,
    limit: float | None = None,
) -> Run:
    """Start ``replicas`` replicas on ``url`` behind nginx, put the load on them, stop them."""
    servers = [Server(url, logs / f"streamlit-{replicas}-{n}.log", ENV) for n in range(replicas)]
    try:
        proxy = Nginx(nginx, [server.port for server in servers])
        try:
            # The sessions spread evenly over the replicas, as a conference's many browsers do
            # through their random route cookies: with a few sessions, chance alone could put
            # them all on one replica and measure one where two were meant.
            routes = [proxy.route_to(servers[n % replicas].port) for n in range(sessions)]
            began = time.monotonic()
            served, errors, times = asyncio.run(load(proxy.url, routes, reruns, limit))
            took = time.monotonic() - began
            routes: dict[str, set[str]] = {}
            for line in proxy.log.read_text().splitlines():
                found = re.search(r"upstream=\S*:(\d+) route=(\S+)", line)
                if found:
                    routes.setdefault(found.group(2), set()).add(found.group(1))
            per_replica = Counter(up for _, up in proxy.upstreams())
        finally:
            proxy.stop()
    finally:
        for server in servers:
            server.stop()
    moved = sum(len(ups) > 1 for ups in routes.values())
    return Run(replicas, sessions, served, errors, times, took, dict(per_replica), moved)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=8, help="browser sessions at once")
    parser.add_argument("--reruns", type=int, default=6, help="page switches per session")
    args = parser.parse_args()
    binary = nginx_binary()
    if binary is None:
        sys.exit("nginx is not installed (apt-get install -y nginx)")
    server = pg.start()
    logs = Path(tempfile.mkdtemp(prefix="kl_dash_load_"))
    try:
        server.admin("CREATE DATABASE kl_dash")
        url = server.url("kl_dash")
        bootstrap.init_postgres(url)
        print(f"{args.sessions} sessions at once, {args.reruns} page switches each")
        for count in (1, 2):
            done = run(url, binary, count, args.sessions, args.reruns, logs)
            print(done.summary())
            for error in done.errors[:5]:
                print("   ", error)
    finally:
        pg.stop(server)


if __name__ == "__main__":
    main()
