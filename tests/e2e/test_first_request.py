"""The first request to a fresh server asks for a page the user who logs in may not open."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from kl_dash import bootstrap

from .conftest import Server, log_in


@pytest.fixture
def untouched_server_with_a_viewer(tmp_path):
    """A fresh server (no request yet) on a database whose viewer was added by the CLI."""
    path = tmp_path / "kl_dash.duckdb"
    bootstrap.init_database(path)
    added = subprocess.run(
        [Path(sys.executable).parent / "kl-dash", "user", "add", "vera", "--role", "viewer"],
        input="vera-kodeord-123\n",
        env={**os.environ, "KL_DASH_DB": str(path)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert added.returncode == 0, added.stderr
    server = Server(path, tmp_path / "streamlit.log")
    yield server
    server.stop()


@pytest.mark.parametrize("path", ["opdater", "partnerskab"])
def test_a_viewer_who_asked_for_an_editor_page_first_gets_the_overview_with_a_notice(
    untouched_server_with_a_viewer, page: Page, path
):
    server = untouched_server_with_a_viewer
    log_in(page, server, "vera", "vera-kodeord-123", f"{path}?partnerskab=it-2017")
    expect(page.get_by_text("Kriterier opnået", exact=True)).to_be_visible(timeout=60_000)
    expect(page.get_by_test_id("stException")).to_have_count(0)
    expect(page.get_by_text("kan ikke åbnes med din rolle")).to_be_visible()
    expect(page.get_by_role("link", name="Opdater data")).to_have_count(0)
    server.log.flush()
    log = (server.db_path.parent / "streamlit.log").read_text(encoding="utf-8")
    assert "StreamlitPageNotFoundError" not in log
