/**
 * Watch the induction head form (induction_formation): the slider picks a checkpoint of the
 * training run; numbers, grids and the pattern arrive through data-bind and data-heat, and the
 * chart's marker moves to the chosen step.
 */
import { runKernel } from "./shared/run.js";

/** @param {object} context see page.js makeContext */
export function mount(context) {
  const { root } = context;
  const slider = root.querySelector("[data-setting=index]");
  const marker = root.querySelector("[data-formation-marker]");
  context.onState = (state) => {
    const x = (12 + 184 * state.marker).toFixed(1);
    marker.setAttribute("x1", x);
    marker.setAttribute("x2", x);
  };
  context.onArgs = (args) => {
    if (args.index !== null && args.index !== undefined) slider.value = String(args.index);
  };
  slider.addEventListener("input", () => runKernel(context, { index: Number(slider.value) }));
}
