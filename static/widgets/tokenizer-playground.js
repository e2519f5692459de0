/**
 * Tokenizer playground: the reader's text, tokenized in Python as they type by cl100k_base and by
 * this site's own model's tokenizer. The token lists change length, so this widget draws them
 * itself (with textContent only).
 */

import { settledRun } from "./shared/run.js";
import { visible } from "./shared/text.js";

/** Draw the token chips for a result. */
function drawTokens(list, state) {
  const items = state.tokens.map((token, i) => {
    const item = document.createElement("li");
    item.className = "token";
    item.title = `id ${state.ids[i]}`;
    const text = document.createElement("span");
    text.className = "token-text";
    text.textContent = visible(token);
    const id = document.createElement("span");
    id.className = "token-id";
    id.textContent = String(state.ids[i]);
    item.append(text, id);
    return item;
  });
  list.replaceChildren(...items);
}

/** @param {object} context see page.js makeContext */
export function mount(context) {
  const input = context.root.querySelector("[data-text]");
  const list = context.root.querySelector("[data-tokens]");
  const modelList = context.root.querySelector("[data-model-tokens]");
  const draw = (state) => {
    drawTokens(list, state);
    drawTokens(modelList, state.model);
  };
  draw(context.state);
  context.onState = draw;
  input.addEventListener("input", settledRun(context, () => ({ text: input.value }), 120));
  context.onArgs = (args) => {
    if (input.value !== args.text) input.value = args.text;
  };
}
