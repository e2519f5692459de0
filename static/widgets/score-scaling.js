/**
 * Why divide by √d_k (score_scaling): the slider picks the head's width as a power of two, the
 * seed the random query and keys; the kernel runs again on each change and its numbers and heat
 * cells arrive through data-bind and data-heat.
 */
import { settledRun } from "./shared/run.js";

/** The slider's value v stands for d_k = 2^v. Example: `widthOf("6")` → 64 */
export function widthOf(value) {
  return 2 ** Number(value);
}

/** @param {object} context see page.js makeContext */
export function mount(context) {
  const { root } = context;
  const slider = root.querySelector("[data-exponent]");
  const seed = root.querySelector("[data-seed]");
  context.onState = (state) => slider.setAttribute("aria-valuetext", String(state.d_k));
  context.onArgs = (args) => {
    slider.value = String(Math.round(Math.log2(args.d_k)));
    seed.value = String(args.seed);
  };
  const update = settledRun(context, () => {
    const chosen = Number(seed.value);
    const fine = Number.isInteger(chosen) && chosen >= 0;
    return fine ? { d_k: widthOf(slider.value), seed: chosen } : "The seed must be a whole number from 0 upwards.";
  });
  slider.addEventListener("input", update);
  seed.addEventListener("input", update);
}
