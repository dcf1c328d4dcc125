"""The gate every page passes: pages run only through app.py, never on their own.

With a ``pages/`` folder beside app.py, a freshly started Streamlit server runs in its old
pages-folder mode until app.py has called ``st.navigation`` once; a visitor whose very first
request is a page's own URL (``/kommuner``) would get that page file run alone, without
app.py's frame. Every page therefore asks for its view here first: when app.py has not run,
the visitor is sent through app.py (keeping the URL's parameters), which then opens the
page that was asked for.
"""

from __future__ import annotations

import streamlit as st

from .filters import View

REQUESTED_PAGE = "requested_page"


def page_view(page: str) -> View:
    """The view app.py prepared for this run; reroutes through app.py when it has not run."""
    view = st.session_state.get("view")
    if view is None:
        st.session_state[REQUESTED_PAGE] = page
        st.switch_page("app.py", query_params=st.query_params.to_dict())
    return view


def requested_page() -> str | None:
    """The page a visitor asked for before being sent through app.py (once), if any."""
    return st.session_state.pop(REQUESTED_PAGE, None)
