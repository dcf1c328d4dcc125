"""Om partnerskabet: what the partnership's file holds, each line with the seed it is from."""

import streamlit as st

from kl_dash import about, queries
from kl_dash.formatting import literal
from kl_dash.ui import frame, tables

view = frame.page_view("pages/om.py")
definition = view.data(queries.programme_definition)

st.title("Om partnerskabet")
st.caption(literal(about.caption(definition)))
st.markdown(about.LEGEND)
sections = about.sections(definition)
for section in sections:
    st.subheader(section.title)
    for markdown, caption in section.blocks():
        st.markdown(markdown)
        st.caption(caption)
    if section.table is not None:
        tables.show(section.table)
view.offer(about.as_table(sections), "Om partnerskabet")
