/**
 * Tokenizer playground: the reader's text, tokenized in Python as they type by cl100k_base and by
 * this site's own model's tokenizer. The token lists change length, so this widget draws them
 * itself (with textContent only).
 */

import { settledRun } from "./shared/run.js";
import { drawTokenList } from "./shared/text.js";

/** @param {object} context see page.js makeContext */
export function mount(context) {
  const input = context.root.querySelector("[data-text]");
  const list = context.root.querySelector("[data-tokens]");
  const modelList = context.root.querySelector("[data-model-tokens]");
  const draw = (state) => {
    drawTokenList(list, state.tokens, state.ids);
    drawTokenList(modelList, state.model.tokens, state.model.ids);
  };
  draw(context.state);
  context.onState = draw;
  input.addEventListener("input", settledRun(context, () => ({ text: input.value }), 120));
  context.onArgs = (args) => {
    if (input.value !== args.text) input.value = args.text;
  };
}
