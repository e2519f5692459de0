/**
 * Attention sinks (attention_sinks): the sliders set the window and how many first tokens it
 * keeps; the kernel runs again and the losses arrive through data-bind. The heads' grid is the
 * build's (it does not depend on the window).
 */
import { watchSettings } from "./shared/settings.js";

/** @param {object} context see page.js makeContext */
export function mount(context) {
  watchSettings(context, [...context.root.querySelectorAll("[data-setting]")]);
}
