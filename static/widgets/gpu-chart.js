/**
 * GPU evolution chart: three small bar charts (throughput, memory, bandwidth) of five GPU
 * generations with Plotly, served by this site, and our measured H100 point; the cited table
 * stays below for readers without the chart.
 */
import { drawChart } from "./shared/charts.js";

/** @param {object} context see page.js makeContext */
export async function mount(context) {
  const { state } = context;
  const names = state.gpus.map((g) => g.name);
  const bars = (key, axis, colour) => ({
    type: "bar", x: names, y: state.gpus.map((g) => g[key]), xaxis: `x${axis}`, yaxis: `y${axis}`,
    marker: { color: colour }, showlegend: false, hovertemplate: "%{x}: %{y}<extra></extra>",
  });
  await drawChart(context, ({ fg, grid }) => {
    const measured = {
      type: "scatter", mode: "markers", x: ["H100"], y: [state.measured.tflops_16bit], xaxis: "x", yaxis: "y",
      name: "measured here (bf16 matmul)", marker: { symbol: "diamond", size: 12, color: "#fde725", line: { color: fg, width: 1 } },
    };
    const axis = (title) => ({ title: { text: title }, gridcolor: grid, rangemode: "tozero" });
    return {
      traces: [bars("tflops_16bit", "", "#3b528b"), measured, bars("memory_gb", "2", "#21918c"), bars("bandwidth_tbs", "3", "#5ec962")],
      layout: {
        grid: { rows: 1, columns: 3, pattern: "independent" },
        margin: { l: 48, r: 8, t: 16, b: 72 },
        yaxis: axis("dense 16-bit TFLOPS"), yaxis2: axis("memory, GB"), yaxis3: axis("bandwidth, TB/s"),
        legend: { orientation: "h", y: -0.3 },
      },
    };
  });
}
