/**
 * The unembedding step: the build scored the last vector against every row of W_U
 * (unembedding); this does it again for the reader's text. Numbers arrive through data-bind (the
 * table always holds the kernel's top k rows); token texts are drawn here with textContent only.
 */
import { pick } from "../page/bind.js";
import { showTokens, visible } from "./shared/text.js";
import { wireTextRun } from "./shared/text-run.js";

/** @param {object} context see page.js makeContext */
export function mount(context) {
  const { root } = context;
  const prompt = root.querySelector("[data-prompt]");
  context.onState = (state) => {
    root.querySelector("[data-last]").textContent = visible(state.tokens[state.tokens.length - 1]);
    showTokens(root, state, pick);
  };
  wireTextRun(context, {
    input: prompt,
    button: root.querySelector("[data-action=score]"),
    empty: "Type some text first: its last vector is scored against every token.",
  });
}
