/**
 * The attention masks of the transformer's families (attention_masks): the grids are written
 * by the build; when the reader moves the sliding window, the kernel runs again and this
 * rewrites the sliding grid's cells (the counts arrive through data-bind).
 */
import { watchSettings } from "./shared/settings.js";

/** Rewrite one grid's cells from a mask (rows of booleans), ✓ where the query reads the key. */
export function drawMask(table, mask) {
  for (const [i, row] of table.querySelectorAll("tbody tr").entries()) {
    for (const [j, cell] of row.querySelectorAll("td").entries()) {
      const on = Boolean(mask[i]?.[j]);
      cell.className = on ? "mask-on" : "mask-off";
      cell.textContent = on ? "✓" : "·";
    }
  }
}

/** @param {object} context see page.js makeContext */
export function mount(context) {
  const { root } = context;
  const inputs = [...root.querySelectorAll("[data-setting]")];
  context.onState = (state) => {
    for (const table of root.querySelectorAll("[data-mask]")) drawMask(table, state[table.dataset.mask]);
  };
  watchSettings(context, inputs);
}
