"""Keyboard help Streamlit lacks: Enter in a date field applies the date typed; Tab skips a
closed sidebar.

Streamlit 1.67's st.date_input applies a typed date only when focus leaves the whole field
(its day, month and year and its calendar button); Enter does nothing, so a user who types a
date and presses Enter sees no change, and a link copied then is still the old view. The
script below makes Enter in a date field's day, month or year tell the field that focus left
it: the date is applied as if the user had tabbed away, and the focus stays where it was.

On a phone or tablet the sidebar starts closed, moved off the screen but still in the tab
order: Tab went through a dozen links and fields nobody could see (WCAG 2.4.3, 2.4.7). The
style below hides a closed sidebar from the keyboard too, until it is opened; opening it
moves the focus to its first link.
"""

from __future__ import annotations

import streamlit as st

ENTER_APPLIES_DATE = """
<div id="kl-enter-applies-date"></div>
<style>
.stElementContainer:has(#kl-enter-applies-date) { display: none; }
body:has([data-testid="stExpandSidebarButton"][aria-expanded="false"]) [data-testid="stSidebar"],
body:has([data-testid="stExpandSidebarButton"][aria-expanded="false"]) [data-testid="stSidebar"] * {
  visibility: hidden !important;
}
</style>
<script>
if (!window.klDashEnterAppliesDate) {
  window.klDashEnterAppliesDate = true;
  document.addEventListener("keydown", (event) => {
    const segment = event.target;
    if (event.key !== "Enter" || !(segment instanceof HTMLElement)) return;
    if (!segment.closest('[data-testid="stDateInputField"]')) return;
    if (segment.getAttribute("role") !== "spinbutton") return;
    event.preventDefault();
    // What the field hears when focus leaves it (a real blur() is not taken as leaving).
    const away = new FocusEvent("focusout", { bubbles: true, relatedTarget: document.body });
    segment.dispatchEvent(away);
  }, true);
  // Opening the closed sidebar moves the focus into it (it comes before the page in the tab
  // order, so Tab would otherwise go through the whole page first).
  document.addEventListener("click", (event) => {
    if (!event.target.closest('[data-testid="stExpandSidebarButton"]')) return;
    let frames = 60;
    const focusFirst = () => {
      const first = document.querySelector('[data-testid="stSidebar"] a[href]');
      if (first && getComputedStyle(first).visibility === "visible") first.focus();
      else if (frames-- > 0) requestAnimationFrame(focusFirst);
    };
    requestAnimationFrame(focusFirst);
  }, true);
}
</script>
"""


def enter_applies_dates() -> None:
    """Enter applies a typed date in every date field; a closed sidebar takes no tab stops."""
    st.html(ENTER_APPLIES_DATE, unsafe_allow_javascript=True)
