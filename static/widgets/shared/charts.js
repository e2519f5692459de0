/**
 * Plotly charts for the widgets that draw one: the library is loaded from this site on demand,
 * the chart follows the page's light or dark theme, and if Plotly cannot load the widget says
 * so and keeps its build-time table.
 */

/** The page's text and border colours. */
function chartInk() {
  const style = getComputedStyle(document.body);
  return { fg: style.color, grid: style.getPropertyValue("--border").trim() || "#ccc" };
}

/**
 * Draw into the widget's [data-chart] box and mark the widget data-charted="true". The chart
 * takes the box's height, which the stylesheet reserves before Plotly arrives (so nothing
 * below moves); if Plotly cannot load, the empty box gives its space back.
 * @param {object} context the widget's context (page.js)
 * @param {(ink: {fg: string, grid: string}) => {traces: object[], layout: object, config?: object}} build
 */
export async function drawChart(context, build) {
  const box = context.root.querySelector("[data-chart]");
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
