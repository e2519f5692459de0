/**
 * The unembedding step: the build scored the last vector against every row of W_U
 * (unembedding); this does it again for the reader's text. Numbers arrive through data-bind (the
 * table always holds the kernel's top k rows); token texts are drawn here with textContent only.
 */
import { pick } from "../page/bind.js";
import { visible } from "./shared/text.js";

/** @param {object} context see page.js makeContext */
export function mount(context) {
  const { root } = context;
  const prompt = root.querySelector("[data-prompt]");
  context.onState = (state) => {
    root.querySelector("[data-last]").textContent = visible(state.tokens[state.tokens.length - 1]);
    for (const token of root.querySelectorAll("[data-token]")) {
      token.textContent = visible(String(pick(state, token.dataset.token)));
    }
  };
  context.onArgs = (args) => {
    prompt.value = args.prompt;
  };
  const score = async () => {
    if (!prompt.value.trim()) {
      context.say("Type some text first: its last vector is scored against every token.", "error");
      return;
    }
    try {
      await context.compute({ prompt: prompt.value });
      context.say("");
    } catch {
      /* compute() said why; the last result stays */
    }
  };
  root.querySelector("[data-action=score]").addEventListener("click", score);
  prompt.addEventListener("keydown", (event) => {
    if (event.key === "Enter") score();
  });
}
