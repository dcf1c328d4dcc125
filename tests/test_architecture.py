"""The layout holds: Streamlit only in kl_dash/ui (and app.py, pages/); pages go through app.py."""

from __future__ import annotations

import ast
import re

from .conftest import PROJECT_ROOT

KL_DASH = PROJECT_ROOT / "kl_dash"
UI = KL_DASH / "ui"


def imported_modules(path) -> set[str]:
    """Every module a Python file imports (``import a.b`` and ``from a.b import c``)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module)
    return found


def test_nothing_in_kl_dash_outside_the_ui_wing_imports_streamlit():
    outside = [p for p in KL_DASH.rglob("*.py") if UI not in p.parents]
    assert len(outside) > 10  # the walk found the package
    offenders = {
        str(p.relative_to(PROJECT_ROOT)): sorted(
            m for m in imported_modules(p) if m.split(".")[0] == "streamlit"
        )
        for p in outside
    }
    assert {p: m for p, m in offenders.items() if m} == {}


def test_the_ui_wing_is_where_streamlit_is_used():
    assert all("streamlit" in imported_modules(p) for p in UI.glob("[!_]*.py"))


def test_every_page_file_is_registered_in_app_py_and_asks_for_its_own_view():
    app = (PROJECT_ROOT / "app.py").read_text(encoding="utf-8")
    pages = sorted((PROJECT_ROOT / "pages").glob("*.py"))
    assert pages
    for page in pages:
        path = f"pages/{page.name}"
        assert re.search(rf'st\.Page\(\s*"{re.escape(path)}"', app), path
        # A data page asks for its view, a page without data (the statement) only for app.py.
        asks = re.findall(
            r'(?:frame\.page_view|style\.through_app)\("([^"]+)"\)',
            page.read_text(encoding="utf-8"),
        )
        assert asks == [path], path  # a rerouted first request comes back to this page
