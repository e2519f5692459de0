/**
 * Model playground: one of the project's own small models (the GPT-2, or the Llama-style one
 * the model switch picks), running in NumPy in this page, continues the reader's text; the
 * widget reports how fast this browser generated it.
 */
import { wireModelSettings } from "./shared/model-settings.js";

/** @param {object} context see page.js makeContext */
export function mount(context) {
  const { root } = context;
  const echo = root.querySelector("[data-prompt-echo]");
  const generated = root.querySelector("[data-generated]");
  const speed = root.querySelector("[data-speed]");
  context.onState = (state) => {
    echo.textContent = context.args.prompt; // compute() set the arguments of this result
    generated.textContent = state.text;
  };
  wireModelSettings(context, "Generating…", (state, seconds) => {
    speed.textContent = `Generated just now in your browser: ${state.ids.length} tokens in ${seconds.toFixed(2)} s (${Math.round(state.ids.length / seconds)} tokens/s, model loading included the first time).`;
  });
}
