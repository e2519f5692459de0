/**
 * Activation curves (activation_curves): the slider under the plot picks the input x; the
 * kernel runs again and the three values arrive through data-bind. The curves are the build's.
 */
import { settledRun } from "./shared/run.js";

/** @param {object} context see page.js makeContext */
export function mount(context) {
  const slider = context.root.querySelector("[data-at]");
  context.onArgs = (args) => {
    slider.value = String(args.at);
  };
  slider.addEventListener("input", settledRun(context, () => ({ at: Number(slider.value) })));
}
