/**
 * RoPE scaling (rope_scaling): the slider sets the context's stretch factor; the kernel runs
 * again, the summaries arrive through data-bind, and this redraws each method's line by the
 * template's rule (x: the pairs, fastest first; y: how far each is slowed, 1× to s×, on a log
 * scale, the kernel's `interpolation`).
 */
import { watchSettings } from "./shared/settings.js";

/** The polyline's points for one method's interpolation shares (0 kept … 1 slowed s×). */
export function stretchPoints(shares) {
  const last = shares.length - 1;
  return shares.map((s, i) => `${Math.round((20 + (i / last) * 270) * 10) / 10},${Math.round((150 - s * 140) * 10) / 10}`).join(" ");
}

/** @param {object} context see page.js makeContext */
export function mount(context) {
  const { root } = context;
  context.onState = (state) => {
    for (const line of root.querySelectorAll("[data-method]")) line.setAttribute("points", stretchPoints(state.by_method[line.dataset.method].interpolation));
    root.querySelector("[data-factor-label]").textContent = `${state.factor}×`;
  };
  watchSettings(context, [...root.querySelectorAll("[data-setting]")]);
}
