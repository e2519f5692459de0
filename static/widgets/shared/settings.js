/**
 * A widget's numeric controls, each marked `data-setting="<argument>"`, with its value echoed
 * where the template has a `data-show="<argument>"` beside it.
 *
 * Example: for `<input data-setting="top_k" value="40">`, `readSettings([input])` → `{ top_k: 40 }`.
 */

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
