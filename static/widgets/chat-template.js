/**
 * A conversation as the tokens a chat model reads (chat_template): the reader edits the system
 * and the user message; Python lays them out in ChatML and tokenizes them with cl100k_base, and
 * the token list (its length changes) is drawn again here, special tokens marked.
 */

import { settledRun } from "./shared/run.js";
import { drawTokenList } from "./shared/text.js";

/** The conversation the fields hold. Example: `[{role: "system", content: "…"}, {role: "user", …}]` */
export function messagesOf(fields) {
  return fields.map((field) => ({ role: field.dataset.message, content: field.value }));
}

/** @param {object} context see page.js makeContext */
export function mount(context) {
  const { root } = context;
  const fields = [...root.querySelectorAll("[data-message]")];
  const list = root.querySelector("[data-tokens]");
  const draw = (state) => drawTokenList(list, state.pieces.map((p) => p.token), state.ids,
    state.pieces.map((p) => p.special));
  context.onState = draw;
  context.onArgs = (args) => {
    for (const [i, field] of fields.entries()) {
      const content = args.messages?.[i]?.content;
      if (content !== undefined && field.value !== content) field.value = content;
    }
  };
  const update = settledRun(context, () => ({ messages: messagesOf(fields) }), 150);
  for (const field of fields) field.addEventListener("input", update);
}
