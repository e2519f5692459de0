/**
 * Beam search step by step (beam_search_steps): the reader sets the beam's width and the number
 * of steps; the kernel runs again and the model's log-probabilities and the totals arrive
 * through data-bind. This redraws what changes shape: one table per step, a row per candidate,
 * each cloned from the first step's table as the template writes it (textContent only).
 */
import { watchSettings } from "./shared/settings.js";
import { formatValue } from "../page/bind.js";

/** A sequence of token ids as the template writes it. Example: `path([0, 1, 2])` → "0 → 1 → 2" */
export function path(tokens) {
  return tokens.join(" → ");
}

/** One candidate's row, cloned from `proto`: its tokens, log-probabilities and kept or dropped. */
function candidateRow(proto, row, labels) {
  const tr = proto.cloneNode(true);
  tr.className = row.kept ? "beam-kept" : "beam-dropped";
  tr.querySelector("[data-prefix]").textContent = `${path(row.tokens.slice(0, -1))} → `;
  tr.querySelector("[data-new]").textContent = String(row.tokens.at(-1));
  tr.querySelector("[data-log-prob]").textContent = formatValue(row.log_prob);
  tr.querySelector("[data-total]").textContent = formatValue(row.total);
  tr.querySelector("[data-kept]").textContent = row.kept ? labels.labelKept : labels.labelDropped;
  return tr;
}

/**
 * The step tables' drawer, from the build's first step (its table and first row as prototypes).
 * @param {Element} root the widget
 * @returns {(state: object) => void}
 */
export function stepDrawer(root) {
  const holder = root.querySelector("[data-beam-steps]");
  const table = holder.firstElementChild.cloneNode(true);
  const row = table.querySelector("tbody tr").cloneNode(true);
  table.querySelector("tbody").replaceChildren();
  return (state) => {
    const regions = state.steps.map((candidates, s) => {
      const region = table.cloneNode(true);
      const caption = region.querySelector("caption");
      caption.id = `${root.id}-step-${s + 1}`;
      region.setAttribute("aria-labelledby", caption.id);
      region.querySelector("[data-step]").textContent = String(s + 1);
      region.querySelector("tbody").append(...candidates.map((c) => candidateRow(row, c, holder.dataset)));
      return region;
    });
    holder.replaceChildren(...regions);
  };
}

/** @param {object} context see page.js makeContext */
export function mount(context) {
  const { root } = context;
  const inputs = [...root.querySelectorAll("[data-setting]")];
  const drawSteps = stepDrawer(root);
  context.onState = (state) => {
    drawSteps(state);
    root.querySelector("[data-path=best]").textContent = path(state.best);
    root.querySelector("[data-path=greedy]").textContent = path(state.greedy);
  };
  watchSettings(context, inputs);
}
