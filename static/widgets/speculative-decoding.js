/**
 * Speculative decoding on the real model (speculative_decoding): the reader sets the opening,
 * the draft's length and the number of new tokens; Python decodes greedily both ways and, on
 * the button, times both. The continuation changes length, so it is drawn here, each token
 * marked as the draft's or the model's own (textContent only).
 */
import { readSettings, watchSettings } from "./shared/settings.js";
import { formatValue } from "../page/bind.js";

/** The line under the figures: the measured times, or how to get them. */
export function timingText(state) {
  if (!state.live) return "Press the button to run both in this page and time them.";
  const { seconds, speedup } = state.live;
  const ms = (s) => formatValue(s * 1000, "fixed:0");
  return `Measured here: greedy ${ms(seconds.greedy)} ms, speculative ${ms(seconds.speculative)} ms, a speed-up of ${formatValue(speedup, "fixed:2")}×.`;
}

/** @param {object} context see page.js makeContext */
export function mount(context) {
  const { root } = context;
  const prompt = root.querySelector("[data-prompt]");
  const inputs = [...root.querySelectorAll("[data-setting]")];
  const text = root.querySelector("[data-spec-text]");
  context.onState = (state) => {
    text.replaceChildren(...state.tokens.map((token, i) => {
      const span = document.createElement("span");
      span.className = state.guessed[i] ? "spec-guessed" : "spec-own";
      span.textContent = token;
      return span;
    }));
    root.querySelector("[data-same]").textContent = state.same_as_greedy ? "yes, token for token" : "no";
    root.querySelector("[data-live-timing]").textContent = timingText(state);
  };
  context.onArgs = (args) => {
    if (args.prompt !== undefined && prompt.value !== args.prompt) prompt.value = args.prompt;
  };
  const args = () => ({ ...readSettings(inputs), prompt: prompt.value, measure: false });
  prompt.addEventListener("input", watchSettings(context, inputs, args, 300));
  root.querySelector("[data-action=decode]").addEventListener("click", async (event) => {
    const button = event.currentTarget;
    button.disabled = true;
    try {
      await context.compute({ ...args(), measure: true });
    } catch { /* the widget says why */ } finally {
      button.disabled = false;
    }
  });
}
