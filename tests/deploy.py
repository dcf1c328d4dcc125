"""nginx in front of app replicas, with the shipped docs/deploy/nginx.conf.example.

Used by the replicas browser test and benchmarks/replicas_load.py. The example's ports and log
path are moved to free ones and a temporary folder; everything else is the file as shipped.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

from .running import PROJECT_ROOT, free_port

EXAMPLE = PROJECT_ROOT / "docs" / "deploy" / "nginx.conf.example"
_SERVERS = re.compile(r"(    server 127\.0\.0\.1:850\d [^\n]*\n)+")


def nginx_binary() -> str | None:
    """Debian's nginx, or None when it is not installed."""
    found = shutil.which("nginx")
    return found or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)


class Nginx:
    """nginx with the example configuration in front of the replicas on ``backends``."""

    def __init__(self, binary: str, backends: list[int]):
        self.folder = Path(tempfile.mkdtemp(prefix="kl_dash_nginx_"))
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = self.folder / "access.log"
        site = EXAMPLE.read_text(encoding="utf-8")
        servers = "".join(
            f"    server 127.0.0.1:{port} max_fails=3 fail_timeout=10s;\n" for port in backends
        )
        site, found = _SERVERS.subn(servers, site)
        for old, new in (
            ("listen 127.0.0.1:8080", f"listen 127.0.0.1:{self.port}"),
            ("/var/log/nginx/kl_dash.access.log", str(self.log)),
        ):
            assert old in site, old
            site = site.replace(old, new)
        assert found == 1, "the example's upstream servers"
        (self.folder / "kl_dash.conf").write_text(site)
        temp = ""
        for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (self.folder / name).mkdir()
            temp += f"  {name}_temp_path {self.folder / name};\n"
        user = "user root;\n" if os.geteuid() == 0 else ""
        (self.folder / "nginx.conf").write_text(
            f"{user}worker_processes 1;\npid {self.folder}/nginx.pid;\n"
            f"error_log {self.folder}/error.log;\nevents {{ worker_connections 1024; }}\n"
            f"http {{\n{temp}  include {self.folder}/kl_dash.conf;\n}}\n"
        )
        args = [binary, "-p", str(self.folder), "-c", str(self.folder / "nginx.conf")]
        subprocess.run([*args, "-t"], check=True, capture_output=True, timeout=30)
        self.process = subprocess.Popen([*args, "-g", "daemon off;"])
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2):
                    return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("nginx did not answer")

    def upstreams(self) -> list[tuple[str, str]]:
        """(request, upstream port) of every request logged so far."""
        lines = self.log.read_text().splitlines() if self.log.exists() else []
        found = [re.search(r'"(\S+ \S+)[^"]*" .*upstream=\S*:(\d+)', line) for line in lines]
        return [(m.group(1), m.group(2)) for m in found if m]

    def route_to(self, port: int) -> str:
        """A route cookie value that nginx sends to the replica on ``port``."""
        for n in range(200):
            value = f"test-route-{n}"
            request = urllib.request.Request(
                f"{self.url}/_stcore/health?{value}", headers={"Cookie": f"kl_dash_route={value}"}
            )
            urllib.request.urlopen(request, timeout=10).close()
            deadline = time.monotonic() + 5
            served: list[str] = []
            while time.monotonic() < deadline:  # nginx logs a request once it has ended
                served = [up for req, up in self.upstreams() if value in req]
                if served:
                    break
                time.sleep(0.05)
            if served and served[0] == str(port):
                return value
        raise RuntimeError(f"no route found to {port}")

    def stop(self) -> None:
        """Stop nginx and delete its folder."""
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        shutil.rmtree(self.folder, ignore_errors=True)
