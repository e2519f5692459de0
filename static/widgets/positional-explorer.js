/**
 * Positional-encoding explorer: the sinusoidal and learned position tables (recoloured by the
 * shared heatmap code), RoPE's wheel for one dimension pair, and the order-blindness table,
 * whose rows this widget draws itself (textContent only).
 */
import { formatValue } from "../page/bind.js";
import { runKernel } from "./shared/run.js";

/** Move the wheel's arrows and labels to the new pair's angles. */
function drawWheel(root, points) {
  points.forEach(([x, y], i) => {
    const arrow = root.querySelector(`[data-rope-arrow="${i}"]`);
    const label = root.querySelector(`[data-rope-label="${i}"]`);
    arrow?.setAttribute("x2", (110 + 80 * x).toFixed(2));
    arrow?.setAttribute("y2", (110 - 80 * y).toFixed(2));
    label?.setAttribute("x", (110 + 96 * x).toFixed(2));
    label?.setAttribute("y", (114 - 96 * y).toFixed(2));
  });
}

/** One table row per word of the first sentence. */
function drawOrder(body, rows) {
  body.replaceChildren(...rows.map((row) => {
    const tr = document.createElement("tr");
    const word = document.createElement("th");
    word.scope = "row";
    word.textContent = row.word;
    const cells = [String(row.first_position), String(row.second_position),
      row.without ? formatValue(row.without, "sci:1") : "0", formatValue(row.with, "fixed:3")];
    tr.append(word, ...cells.map((text) => {
      const td = document.createElement("td");
      td.textContent = text;
      return td;
    }));
    return tr;
  }));
}

/** @param {object} context see page.js makeContext */
export function mount(context) {
  const { root } = context;
  const pair = root.querySelector("[data-setting=pair]");
  const shown = root.querySelector("[data-show=pair]");
  const first = root.querySelector("[data-sentence=first]");
  const second = root.querySelector("[data-sentence=second]");
  const rows = root.querySelector("[data-order-rows]");
  context.onState = (state) => {
    drawWheel(root, state.rope.points);
    drawOrder(rows, state.order.words);
  };
  context.onArgs = (args) => {
    pair.value = String(args.pair);
    shown.textContent = String(args.pair);
    first.value = args.first;
    second.value = args.second;
  };
  const run = (changes) => runKernel(context, changes);
  pair.addEventListener("input", () => {
    shown.textContent = pair.value;
    run({ pair: Number(pair.value) });
  });
  root.querySelector("[data-action=compare]").addEventListener("click", () => {
    if (!first.value.trim() || !second.value.trim()) {
      context.say("Type a sentence in both boxes.", "error");
      return;
    }
    run({ first: first.value, second: second.value });
  });
}
