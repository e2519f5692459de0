/**
 * Positional-encoding explorer: the sinusoidal and learned position tables (recoloured by the
 * shared heatmap code) and the order-blindness table, whose rows this widget draws itself
 * (textContent only).
 */
import { formatValue } from "../page/bind.js";
import { runKernel } from "./shared/run.js";

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
  const first = root.querySelector("[data-sentence=first]");
  const second = root.querySelector("[data-sentence=second]");
  const rows = root.querySelector("[data-order-rows]");
  context.onState = (state) => drawOrder(rows, state.order.words);
  context.onArgs = (args) => {
    first.value = args.first;
    second.value = args.second;
  };
  root.querySelector("[data-action=compare]").addEventListener("click", () => {
    if (!first.value.trim() || !second.value.trim()) {
      context.say("Type a sentence in both boxes.", "error");
      return;
    }
    runKernel(context, { first: first.value, second: second.value });
  });
}
