/**
 * Models and their shapes: the published rows are the build's; this counts the reader's own
 * shape (the last row) again on a click or Enter, and writes its cells as the template does (a
 * count with thousands separators, a share as a whole percent).
 */
import { formatValue } from "../page/bind.js";
import { runKernel } from "./shared/run.js";

/** 124439808 → "124,439,808", as the template's "{:,}" writes it. */
export function count(n) {
  return Number(n).toLocaleString("en-US");
}

/** The reader's row, from the kernel's `mine`. */
function drawMine(root, mine) {
  const cells = {
    n_layer: count(mine.n_layer),
    n_embd: count(mine.n_embd),
    heads: `${mine.n_head} / ${mine.n_kv_head}`,
    n_inner: count(mine.n_inner),
    vocab_size: count(mine.vocab_size),
    n_ctx: count(mine.n_ctx),
    embeddings: `${formatValue(mine.shares.embeddings * 100, "fixed:0")}%`,
    attention: `${formatValue(mine.shares.attention * 100, "fixed:0")}%`,
    mlp: `${formatValue(mine.shares.mlp * 100, "fixed:0")}%`,
  };
  for (const [key, text] of Object.entries(cells)) root.querySelector(`[data-mine="${key}"]`).textContent = text;
  const total = root.querySelector('[data-mine="total"]');
  total.replaceChildren(document.createElement("strong"));
  total.firstChild.textContent = count(mine.parameters.total);
}

/** @param {object} context see page.js makeContext */
export function mount(context) {
  const { root } = context;
  const fields = [...root.querySelectorAll("[data-shape]")];
  const shape = () => Object.fromEntries(fields.map((field) =>
    [field.dataset.shape, field.dataset.shape === "family" ? field.value : Number(field.value)]));
  context.onState = (state) => drawMine(root, state.mine);
  context.onArgs = (args) => {
    for (const field of fields) field.value = String(args.mine[field.dataset.shape]);
  };
  const run = () => runKernel(context, { mine: shape() });
  root.querySelector("[data-action=count]").addEventListener("click", run);
  for (const field of fields) {
    field.addEventListener("keydown", (event) => {
      if (event.key === "Enter") run();
    });
  }
}
