/**
 * The real loss curve of the shipped model, drawn with Plotly (served by this site) from the
 * build-time state, which a kernel read from traces/loss_curve.json. Without Plotly the page
 * keeps the summary and the table.
 */
import { drawChart } from "./shared/charts.js";

/** @param {object} context see page.js makeContext */
export async function mount(context) {
  const { state } = context;
  const x = state.tokens;
  const line = (y, name, dash) => ({ x, y, name, type: "scatter", mode: "lines", line: { width: 2, dash } });
  const flat = (y, name) => ({ x: [x[0], x[x.length - 1]], y: [y, y], name, type: "scatter", mode: "lines", line: { width: 1, dash: "dot" } });
  await drawChart(context, ({ grid }) => ({
    traces: [
      line(state.train, "train", "solid"),
      line(state.validation, "validation (unseen plays)", "dash"),
      flat(state.unigram, "word frequency alone"),
    ],
    layout: {
      margin: { l: 56, r: 12, t: 12, b: 48 },
      xaxis: { title: { text: "tokens seen" }, gridcolor: grid },
      yaxis: { title: { text: "loss (nats per token)" }, gridcolor: grid, rangemode: "tozero" },
      legend: { orientation: "h", y: -0.25 },
    },
    config: { modeBarButtonsToRemove: ["select2d", "lasso2d"] },
  }));
}
