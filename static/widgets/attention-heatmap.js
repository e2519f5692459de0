/**
 * Attention heatmap: rows are queries, columns keys. The seed's toy example, the real model as
 * PyTorch recorded it, or the real model on the reader's text, live; pointing at (or tabbing to)
 * a row names the key it attends to most. The table changes size, so this widget draws it
 * (textContent only) and colours it with the shared palette.
 */
import { formatValue } from "../page/bind.js";
import { heatColour, textOn } from "../page/heatmap.js";
import { runKernel } from "./shared/run.js";
import { readSettings } from "./shared/settings.js";
import { visible } from "./shared/text.js";

/** A header or data cell with text. */
function cell(tag, text) {
  const element = document.createElement(tag);
  element.textContent = text;
  return element;
}

/** Redraw the whole table from a state. */
function drawMap(table, state, palette) {
  const corner = cell("th", "query ↓ key →");
  corner.scope = "col";
  const head = document.createElement("tr");
  head.append(corner, ...state.tokens.map((t) => Object.assign(cell("th", visible(t)), { scope: "col" })));
  const rows = state.weights.map((row, r) => {
    const tr = document.createElement("tr");
    tr.tabIndex = 0;
    tr.append(Object.assign(cell("th", visible(state.tokens[r])), { scope: "row" }));
    for (const value of row) {
      const td = cell("td", formatValue(value, "fixed:2"));
      const colour = heatColour(palette, value);
      td.style.background = colour;
      td.style.color = textOn(colour);
      tr.append(td);
    }
    return tr;
  });
  table.tHead.replaceChildren(head);
  table.tBodies[0].replaceChildren(...rows);
}

/** Where the numbers came from, in words. */
function provenance(state) {
  if (state.source === "trace") {
    return `Recorded by PyTorch ${state.trace.torch} on ${state.trace.device} (${state.trace.dtype}); the NumPy model in this site gives the same weights to within ${formatValue(state.numpy_vs_torch, "sci:0")}.`;
  }
  if (state.source === "toy") return "The seed's three tokens with dₖ = 4, as in the hand calculation above.";
  return "Computed just now by the NumPy model in your browser.";
}

/** @param {object} context see page.js makeContext */
export function mount(context) {
  const { root } = context;
  const table = root.querySelector("[data-map]");
  const line = root.querySelector("[data-focus-line]");
  const recorded = root.querySelector("[data-recorded]");
  const prompt = root.querySelector("[data-prompt]");
  const causal = root.querySelector("[data-causal]");
  const settings = [...root.querySelectorAll("[data-setting]")];
  const source = () => root.querySelector("[data-source]:checked").value;
  const describe = (tr) => {
    const r = [...table.tBodies[0].rows].indexOf(tr);
    const state = context.state;
    if (r < 0 || !state.weights[r]) return;
    const best = state.strongest[r];
    line.textContent = `“${visible(state.tokens[r])}” (row ${r}) attends most to “${visible(state.tokens[best])}” (column ${best}), weight ${formatValue(state.weights[r][best], "fixed:2")}.`;
  };
  table.addEventListener("mouseover", (event) => describe(event.target.closest("tbody tr")));
  table.addEventListener("focusin", (event) => describe(event.target.closest("tbody tr")));
  context.onState = (state) => {
    drawMap(table, state, context.palette);
    root.querySelector("[data-provenance]").textContent = provenance(state);
  };
  context.onArgs = (args) => {
    root.querySelector(`[data-source][value="${args.source}"]`).checked = true;
    prompt.value = args.prompt;
    causal.checked = args.causal;
    for (const s of settings) s.value = String(args[s.dataset.setting]);
  };
  context.readArgs = () => {
    const chosen = source();
    const text = chosen === "trace" ? context.state.recorded_prompts[Number(recorded.value)] : prompt.value;
    return { source: chosen, prompt: text, causal: causal.checked, ...readSettings(settings) };
  };
  const show = async () => {
    const args = context.readArgs();
    if (args.source === "model" && !args.prompt.trim()) {
      context.say("Type some text first: the heatmap shows how its tokens attend to each other.", "error");
      return;
    }
    await runKernel(context, args);
  };
  root.querySelector("[data-action=show]").addEventListener("click", show);
  for (const control of [...settings, recorded, causal, ...root.querySelectorAll("[data-source]")]) {
    control.addEventListener("change", show);
  }
  prompt.addEventListener("keydown", (event) => {
    if (event.key === "Enter") show();
  });
}
