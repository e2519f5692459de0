/**
 * Teacher forcing: every position of the reader's text is one prediction, with the model's
 * probability for the true next token and its loss. Rows vary, so this widget draws them.
 */
import { formatValue } from "../page/bind.js";
import { visible } from "./shared/text.js";
import { wireTextRun } from "./shared/text-run.js";

/** One table row per position, the hardest marked. */
function drawRows(body, state) {
  body.replaceChildren(...state.positions.map((row, i) => {
    const tr = document.createElement("tr");
    if (i === state.worst) tr.className = "worst";
    const guesses = row.top.map((t) => `${visible(t.token)} ${formatValue(t.prob, "fixed:2")}`).join("; ");
    for (const text of [visible(row.context), visible(row.target), formatValue(row.prob, "fixed:3"), formatValue(row.loss, "fixed:2"), guesses]) {
      const td = document.createElement("td");
      td.textContent = text;
      tr.append(td);
    }
    return tr;
  }));
}

/** @param {object} context see page.js makeContext */
export function mount(context) {
  const { root } = context;
  const input = root.querySelector("[data-text]");
  const body = root.querySelector("[data-rows]");
  context.onState = (state) => drawRows(body, state);
  wireTextRun(context, {
    input,
    button: root.querySelector("[data-action=score]"),
    empty: "Type a line of text first: each of its tokens becomes one prediction.",
    argument: "text",
  });
}
