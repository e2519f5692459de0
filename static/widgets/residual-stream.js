/**
 * Residual stream: one token followed through the real model's blocks, with the length of what
 * each attention and MLP adds to its stream. Bars are scaled to the largest contribution.
 */
import { pick } from "../page/bind.js";
import { visible } from "./shared/text.js";
import { wireTextRun } from "./shared/text-run.js";
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
  const follow = wireTextRun(context, {
    input: prompt,
    button: root.querySelector("[data-action=follow]"),
    empty: "Type some text first: the widget follows one of its tokens.",
    fresh: { position: -1 },
  });
  pieces.addEventListener("click", (event) => {
    const button = event.target.closest("[data-pick]");
    if (button) follow({ position: Number(button.dataset.pick) });
  });
}
