// Run in the page by kl_dash.ui.style.apply() (st.html with JavaScript allowed).
// Streamlit's index.html says lang="en" and has no setting for it (streamlit/streamlit#15726);
// everything kl_dash writes is Danish, so screen readers must read it as Danish (WCAG 3.1.1).
document.documentElement.lang = "da";

// No "<" before a letter anywhere in this file: Streamlit's HTML sanitizer (DOMPurify) drops
// a script whose text looks like markup.
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
