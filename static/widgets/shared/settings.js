/**
 * A widget's numeric controls, each marked `data-setting="<argument>"`, with its value echoed
 * where the template has a `data-show="<argument>"` beside it.
 *
 * Example: for `<input data-setting="top_k" value="40">`, `readSettings([input])` → `{ top_k: 40 }`.
 */
import { settledRun } from "./run.js";

/** @param {HTMLInputElement[]} inputs @returns {Object<string, number>} */
export function readSettings(inputs) {
  return Object.fromEntries(inputs.map((input) => [input.dataset.setting, Number(input.value)]));
}

/** Write each control's value beside it. @param {Element} root @param {HTMLInputElement[]} inputs */
export function echoSettings(root, inputs) {
  for (const input of inputs) {
    const out = root.querySelector(`[data-show="${input.dataset.setting}"]`);
    if (out) out.textContent = input.value;
  }
}

/** Set the controls from a link's arguments, and echo them. */
export function restoreSettings(root, inputs, args) {
  for (const input of inputs) input.value = String(args[input.dataset.setting]);
  echoSettings(root, inputs);
}

/**
 * Wire a widget's controls: a link's arguments restore them, and moving one echoes every value
 * and, once the reader stops, runs the kernel on `read()` (the settings, unless given).
 * Example: `watchSettings(context, inputs)` in a widget whose kernel takes only its sliders.
 * @param {object} context see page.js makeContext
 * @param {HTMLInputElement[]} inputs the `data-setting` controls
 * @param {() => object} [read] the kernel's arguments now
 * @param {number} [wait] milliseconds of stillness before the run (run.js settledRun)
 * @returns {() => void} the settled run, for other fields to call too
 */
export function watchSettings(context, inputs, read = () => readSettings(inputs), wait = undefined) {
  const { root } = context;
  const previous = context.onArgs;
  context.onArgs = (args) => {
    restoreSettings(root, inputs, args);
    previous?.(args);
  };
  const update = settledRun(context, read, wait);
  for (const input of inputs) {
    input.addEventListener("input", () => {
      echoSettings(root, inputs);
      update();
    });
  }
  return update;
}
