/**
 * Plotly charts for the widgets that draw one: the library (3.5 MB, seconds of a phone's main
 * thread) is loaded from this site only when the chart comes near the screen, the chart follows the page's light or dark theme, and if Plotly cannot load the widget says
 * so and keeps its build-time table.
 */

/** The page's text and border colours. */
function chartInk() {
  const style = getComputedStyle(document.body);
  return { fg: style.color, grid: style.getPropertyValue("--border").trim() || "#ccc" };
}

/**
 * Resolves once `element` is within `margin` of the viewport (at once without
 * IntersectionObserver). Example: `await nearView(box)` waits until the reader scrolls close.
 * @param {Element} element
 * @param {string} [margin]
 */
export function nearView(element, margin = "600px") {
  if (!("IntersectionObserver" in window)) return Promise.resolve();
  return new Promise((resolve) => {
    const watcher = new IntersectionObserver((entries) => {
      if (!entries.some((entry) => entry.isIntersecting)) return;
      watcher.disconnect();
      resolve();
    }, { rootMargin: margin });
    watcher.observe(element);
  });
}

/**
 * Once the box is near the screen, draw into the widget's [data-chart] box and mark the widget data-charted="true". The chart
 * takes the box's height, which the stylesheet reserves before Plotly arrives (so nothing
 * below moves); if Plotly cannot load, the empty box gives its space back.
 * @param {object} context the widget's context (page.js)
 * @param {(ink: {fg: string, grid: string}) => {traces: object[], layout: object, config?: object}} build
 */
export async function drawChart(context, build) {
  const box = context.root.querySelector("[data-chart]");
  await nearView(box);
  let Plotly;
  try {
    Plotly = await context.vendor("plotly");
  } catch (error) {
    box.hidden = true;
    context.say(error.message, "error");
    return;
  }
  const ink = chartInk();
  const { traces, layout, config = {} } = build(ink);
  const themed = { paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "rgba(0,0,0,0)", font: { color: ink.fg },
    height: box.clientHeight || undefined, ...layout };
  await Plotly.newPlot(box, traces, themed, { displaylogo: false, responsive: true, ...config });
  context.root.dataset.charted = "true";
}
