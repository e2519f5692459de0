/**
 * RoPE (rope_explorer): the pair slider turns the wheel, the offset slider moves the key; the
 * kernel runs again on each change. Numbers arrive through data-bind; the wheel's arrows and
 * labels are moved here.
 */
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

/** @param {object} context see page.js makeContext */
export function mount(context) {
  const { root } = context;
  const sliders = ["pair", "offset"].map((name) => ({
    name,
    input: root.querySelector(`[data-setting=${name}]`),
    shown: root.querySelector(`[data-show=${name}]`),
  }));
  context.onState = (state) => drawWheel(root, state.wheel.points);
  context.onArgs = (args) => {
    for (const { name, input, shown } of sliders) {
      input.value = String(args[name]);
      shown.textContent = String(args[name]);
    }
  };
  for (const { name, input, shown } of sliders) {
    input.addEventListener("input", () => {
      shown.textContent = input.value;
      runKernel(context, { [name]: Number(input.value) });
    });
  }
}
