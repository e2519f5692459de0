/**
 * Residual stream: one token followed through the real model's blocks, with the length of what
 * each attention and MLP adds to its stream. Bars are scaled to the largest contribution.
 */
import { pick } from "../page/bind.js";
import { visible } from "./shared/text.js";
import { drawTokenButtons } from "./shared/token-buttons.js";

/** @param {object} context see page.js makeContext */
export function mount(context) {
  const { root } = context;
  const prompt = root.querySelector("[data-prompt]");
  const pieces = root.querySelector("[data-pieces]");
  context.onState = (state) => {
    drawTokenButtons(pieces, state.tokens.map((token) => ({ token })), state.position);
    for (const bar of root.querySelectorAll("[data-bar]")) {
      bar.style.width = `${(9 * pick(state, bar.dataset.bar) / state.largest).toFixed(2)}rem`;
    }
    for (const token of root.querySelectorAll(".stream-table .token-text")) {
      token.textContent = visible(token.textContent);
    }
  };
  context.onArgs = (args) => {
    prompt.value = args.prompt;
  };
  const follow = async (position) => {
    if (!prompt.value.trim()) {
      context.say("Type some text first: the widget follows one of its tokens.", "error");
      return;
    }
    try {
      await context.compute({ prompt: prompt.value, position });
      context.say("");
    } catch {
      /* compute() said why; the last result stays */
    }
  };
  root.querySelector("[data-action=follow]").addEventListener("click", () => follow(-1));
  prompt.addEventListener("keydown", (event) => {
    if (event.key === "Enter") follow(-1);
  });
  pieces.addEventListener("click", (event) => {
    const button = event.target.closest("[data-pick]");
    if (button) follow(Number(button.dataset.pick));
  });
}
