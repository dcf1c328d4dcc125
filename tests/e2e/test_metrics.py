"""/_stcore/metrics on the real server: no data or user in it, and the README's proxy rule.

Streamlit answers /_stcore/metrics without a login and has no setting that turns it off
(README, Known limits); the README gives the nginx rule that refuses it behind a proxy.
"""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import Page

from ..conftest import PROJECT_ROOT
from .test_media import log_in_as_viewer

NGINX = Path(shutil.which("nginx") or "/usr/sbin/nginx")


def status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_metrics_name_no_user_and_show_no_data(viewer_server, page: Page):
    log_in_as_viewer(page, viewer_server)  # a viewer has read Overblik
    with urllib.request.urlopen(f"{viewer_server.url}/_stcore/metrics", timeout=10) as r:
        metrics = r.read().decode()
    assert "active_sessions" in metrics  # what it is: counters of the server
    for private in ["vera", "viewer", "Odense", "it-2017", "Kommuner", "SAG-"]:
        assert private not in metrics, private


def readme_proxy_rule() -> str:
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    known_limits = readme.split("## Known limits", 1)[1].split("\n## ", 1)[0]
    (rule,) = re.findall(r"```nginx\n(.+?)\n\s*```", known_limits, flags=re.S)
    return rule.strip()


@pytest.mark.skipif(not NGINX.exists(), reason="nginx not installed (apt-get install -y nginx)")
def test_the_readmes_proxy_rule_refuses_metrics_and_passes_the_app(viewer_server, tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    upstream = viewer_server.url.removeprefix("http://")
    (tmp_path / "nginx.conf").write_text(
        f"""
pid {tmp_path}/nginx.pid;
error_log {tmp_path}/error.log;
daemon off;
events {{}}
http {{
    access_log off;
    client_body_temp_path {tmp_path};
    proxy_temp_path {tmp_path};
    fastcgi_temp_path {tmp_path};
    uwsgi_temp_path {tmp_path};
    scgi_temp_path {tmp_path};
    server {{
        listen 127.0.0.1:{port};
        {readme_proxy_rule()}
        location / {{ proxy_pass http://{upstream}; }}
    }}
}}
"""
    )
    nginx = subprocess.Popen([NGINX, "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")])
    try:
        proxy = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        assert status(f"{proxy}/_stcore/health") == 200
        assert status(f"{proxy}/") == 200
        assert status(f"{viewer_server.url}/_stcore/metrics") == 200  # the server answers it
        assert status(f"{proxy}/_stcore/metrics") == 404  # the proxy does not
    finally:
        nginx.terminate()
        nginx.wait(timeout=20)
