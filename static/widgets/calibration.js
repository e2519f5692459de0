/**
 * Calibration of the real model (model_calibration): the slider sets the temperature that
 * divides the logits; the kernel rescores the held-out predictions, its numbers arrive through
 * data-bind, and this redraws each bin's bar by the template's rule (height: the share right;
 * opacity: how many predictions the bin holds).
 */
import { watchSettings } from "./shared/settings.js";

/** @param {object} context see page.js makeContext */
export function mount(context) {
  const { root } = context;
  context.onState = (state) => {
    const { accuracy, count } = state.bins;
    const most = Math.max(...count);
    for (const bar of root.querySelectorAll("[data-bin]")) {
      const i = Number(bar.dataset.bin);
      const right = Number(accuracy[i]);
      const share = Number.isFinite(right) ? right : 0; // an empty bin ("NaN") has no bar
      bar.setAttribute("y", String(Math.round((200 - share * 190) * 10) / 10));
      bar.setAttribute("height", String(Math.round(share * 190 * 10) / 10));
      bar.setAttribute("opacity", String(Math.round((0.35 + (0.65 * count[i]) / most) * 100) / 100));
    }
  };
  watchSettings(context, [...root.querySelectorAll("[data-setting]")]);
}
