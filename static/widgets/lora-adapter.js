/**
 * The sonnet adapter on the real model (lora_adapter): the reader sets the opening and the
 * adapter's strength; the kernel continues both ways and measures the losses, which arrive
 * through data-bind; this writes the two continuations again (textContent only).
 */
import { readSettings, watchSettings } from "./shared/settings.js";

/** @param {object} context see page.js makeContext */
export function mount(context) {
  const { root } = context;
  const prompt = root.querySelector("[data-prompt]");
  const inputs = [...root.querySelectorAll("[data-setting]")];
  context.onState = (state) => {
    for (const side of ["off", "on"]) root.querySelector(`[data-text="${side}"]`).textContent = state[side].text;
  };
  context.onArgs = (args) => {
    if (args.prompt !== undefined && prompt.value !== args.prompt) prompt.value = args.prompt;
  };
  const update = watchSettings(context, inputs, () => ({ ...readSettings(inputs), prompt: prompt.value }), 400);
  prompt.addEventListener("input", update);
}
