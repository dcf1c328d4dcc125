"""Tilgængelighedserklæring: the accessibility statement, for every reader and before a login.

It shows no data, so it needs no view (and is one of the two pages of the login mode).
"""

import streamlit as st

from kl_dash import accessibility_statement as statement
from kl_dash.ui import style

style.through_app("pages/tilgaengelighed.py")
st.title(statement.TITLE)
for section in statement.sections():
    st.subheader(section.title)
    st.markdown(section.text)
