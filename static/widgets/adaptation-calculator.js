/**
 * The adaptation calculator (adaptation): the model and LoRA's targets are menus, the rank a
 * slider; the kernel runs again and its numbers arrive through data-bind. This rewrites the
 * adapted matrices' rows, whose number follows the targets.
 */
import { formatValue } from "../page/bind.js";
import { readSettings, watchSettings } from "./shared/settings.js";

/** One matrix's row: its name, shape, and the numbers full fine-tuning and LoRA train. */
function matrixRow(matrix) {
  const row = document.createElement("tr");
  const name = document.createElement("th");
  name.scope = "row";
  name.textContent = matrix.name;
  const cells = [`${formatValue(matrix.d_in, "count")} × ${formatValue(matrix.d_out, "count")}`, formatValue(matrix.full, "count"), formatValue(matrix.lora, "count")];
  row.append(name, ...cells.map((text) => Object.assign(document.createElement("td"), { textContent: text })));
  return row;
}

/** @param {object} context see page.js makeContext */
export function mount(context) {
  const { root } = context;
  const sliders = [...root.querySelectorAll("[data-setting]")];
  const menus = [...root.querySelectorAll("[data-choice]")];
  const read = () => ({ ...readSettings(sliders), ...Object.fromEntries(menus.map((m) => [m.dataset.choice, m.value])) });
  context.onState = (state) => {
    root.querySelector("[data-matrices]").replaceChildren(...state.matrices.map(matrixRow));
  };
  context.onArgs = (args) => {
    for (const menu of menus) menu.value = args[menu.dataset.choice];
  };
  const update = watchSettings(context, sliders, read);
  for (const menu of menus) menu.addEventListener("change", update);
}
