/**
 * The real model's next token under the reader's settings (gpt_next_token_choice): a new text,
 * or any slider, runs the kernel again; numbers arrive through data-bind, and this draws the
 * rest: the token texts (textContent only), each bar's width (its probability) and a dash for
 * every token the sampler drops.
 */
import { formatValue, pick } from "../page/bind.js";
import { settledRun } from "./shared/run.js";
import { echoSettings, readSettings, restoreSettings } from "./shared/settings.js";
import { showTokens, visible } from "./shared/text.js";

/** A bar as wide as its probability (1 = the whole cell), as the template writes it. */
function setBar(bar, probability) {
  bar.style.width = `${(probability * 100).toFixed(1)}%`;
}

/** @param {object} context see page.js makeContext */
export function mount(context) {
  const { root } = context;
  const prompt = root.querySelector("[data-prompt]");
  const inputs = [...root.querySelectorAll("[data-setting]")];
  context.onState = (state) => {
    root.querySelector("[data-last]").textContent = visible(state.tokens[state.tokens.length - 1]);
    showTokens(root, state, pick);
    state.rows.forEach((row, i) => {
      setBar(root.querySelector(`[data-bar="model.${i}"]`), row.model);
      setBar(root.querySelector(`[data-bar="drawn.${i}"]`), row.drawn);
      root.querySelector(`[data-drawn="${i}"]`).textContent = row.kept ? formatValue(row.drawn, "fixed:3") : "–";
    });
  };
  context.onArgs = (args) => {
    prompt.value = args.prompt;
    restoreSettings(root, inputs, args);
  };
  context.readArgs = () => ({ prompt: prompt.value, ...readSettings(inputs) }); // for a model switch
  const settled = settledRun(context, () =>
    prompt.value.trim()
      ? { prompt: prompt.value, ...readSettings(inputs) }
      : "Type some text first: the model scores what could come after it.");
  const run = () => {
    echoSettings(root, inputs);
    settled();
  };
  inputs.forEach((input) => input.addEventListener("input", run));
  root.querySelector("[data-action=score]").addEventListener("click", run);
  prompt.addEventListener("keydown", (event) => {
    if (event.key === "Enter") run();
  });
}
