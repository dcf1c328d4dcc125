"""The real app, run as the tests and the benchmarks run it: a server, and AppTest like one.

Shared by tests/conftest.py, tests/e2e and benchmarks/pages.py (which puts the repository on
its import path), so both measure and test the same thing.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    """A free TCP port on the loopback address."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """``streamlit run`` of app.py (or ``script``) on a free port of 127.0.0.1.

    On the database file ``db_path`` (None: the script needs none), with extra environment
    settings ``env``; Streamlit's output is appended to ``log``.
    """

    def __init__(
        self,
        db_path: Path | None,
        log: Path,
        env: dict[str, str] | None = None,
        script: Path = PROJECT_ROOT / "app.py",
    ):
        self.db_path = db_path
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, **(env or {})}
        if db_path is not None:
            env["KL_DASH_DB"] = str(db_path)
        self.log = log.open("a")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                script.name,
                "--server.headless",
                "true",
                "--browser.gatherUsageStats",
                "false",
                "--server.address",
                "127.0.0.1",
                "--server.port",
                str(self.port),
            ],
            cwd=script.parent,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"streamlit did not start; see {log}")

    def cpu_seconds(self) -> float:
        """User and system CPU seconds the server process has used (/proc/<pid>/stat)."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def peak_mb(self) -> float:
        """Peak resident memory (VmHWM, the ru_maxrss of the process) in MB."""
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        raise RuntimeError("no VmHWM")

    def stop(self) -> None:
        """SIGTERM, then (after 20 s) SIGKILL; the log is closed."""
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


def leave_pages_folder_mode_like_a_server(patch: Callable[[Any, str, Any], None] = setattr) -> None:
    """Make AppTest leave pages-folder mode at the first st.navigation, as a server does.

    With a pages/ folder beside app.py, AppTest resets that mode before every run, so a rerun
    (a widget change, a page switch) would execute the page file alone and skip app.py. A
    server leaves the mode for good once app.py has called st.navigation; so does AppTest
    after this. ``patch`` is pytest's ``monkeypatch.setattr`` in tests (undone after each).
    """
    from streamlit.commands import navigation
    from streamlit.runtime.pages_manager import PagesManager

    left = False
    original_navigation = navigation._navigation
    original_init = PagesManager.__init__

    def _navigation(*args, **kwargs):
        nonlocal left
        left = True
        return original_navigation(*args, **kwargs)

    def init(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        if left:
            PagesManager.uses_pages_directory = False

    patch(navigation, "_navigation", _navigation)
    patch(PagesManager, "__init__", init)
