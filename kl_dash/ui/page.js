// Run in the page by kl_dash.ui.style.apply() (st.html with JavaScript allowed).
// Streamlit's index.html says lang="en" and has no setting for it (streamlit/streamlit#15726);
// everything kl_dash writes is Danish, so screen readers must read it as Danish (WCAG 3.1.1).
document.documentElement.lang = "da";

// No "<" before a letter anywhere in this file: Streamlit's HTML sanitizer (DOMPurify) drops
// a script whose text looks like markup.

// Streamlit loads its chart code (Plotly, 4.7 MB) only when a page's first chart arrives, and
// evaluating it takes seconds on a slow machine (3-5 s in chromium on the 2-core test machine):
// a page opened anew (a shared link, a fresh server) waited for that after the server had sent
// the page. Ask for the same module as soon as the page opens, while the server still runs the
// page's script; Streamlit's own import then finds it loaded (one module per URL). The file name
// is set ahead of this file by kl_dash.ui.style from Streamlit's static files (null: none found),
// and so are the pages with charts: a page without any is not kept busy by it.
if (
  window.klPlotlyChunk &&
  !window.klPlotlyRequested &&
  window.klChartPages.includes(location.pathname.split("/").pop())
) {
  window.klPlotlyRequested = true;
  const index = document.querySelector('script[type="module"][src*="/static/js/index."]');
  if (index) import(new URL(window.klPlotlyChunk, index.src).href).catch(() => {});
}

// Plotly draws each chart as SVG with a width and height but no viewBox, so a narrower
// page (print on A4) would cut it. Keep each chart's viewBox equal to its size: on screen
// nothing changes; style.css's print rules then scale the whole chart into the page width.
if (!window.klChartViewBoxes) {
  window.klChartViewBoxes = true;
  const fit = (svg) => {
    const w = svg.getAttribute("width");
    const h = svg.getAttribute("height");
    if (w && h && svg.getAttribute("viewBox") !== `0 0 ${w} ${h}`) {
      svg.setAttribute("viewBox", `0 0 ${w} ${h}`);
    }
  };
  new MutationObserver(() => {
    document.querySelectorAll(".stPlotlyChart svg.main-svg").forEach(fit);
  }).observe(document.body, {
    subtree: true,
    childList: true,
    attributes: true,
    attributeFilter: ["width", "height"],
  });
}

// Streamlit 1.67's st.date_input applies a typed date only when focus leaves the whole field
// (its day, month and year and its calendar button); Enter did nothing, so a user who typed a
// date and pressed Enter saw no change, and a link copied then was still the old view. Enter
// in a date field's day, month or year tells the field that focus left it: the date is
// applied as if the user had tabbed away, and the focus stays where it was.
if (!window.klEnterAppliesDate) {
  window.klEnterAppliesDate = true;
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
  // Opening the closed sidebar (hidden from the keyboard by style.css) moves the focus into
  // it: it comes before the page in the tab order, so Tab would go through the page first.
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
