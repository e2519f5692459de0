/**
 * Heads, projected: the build drew one token's vector through every head's own projections of
 * one block (head_projections); this recomputes it for the reader's text, token and block. The
 * numbers arrive through data-bind (the count of heads and of shown numbers never changes); the
 * token buttons, whose count follows the text, are drawn here with textContent only.
 */
import { pick } from "../page/bind.js";
import { runKernel } from "./shared/run.js";
import { showTokens } from "./shared/text.js";
import { drawTokenButtons } from "./shared/token-buttons.js";

/** @param {object} context see page.js makeContext */
export function mount(context) {
  const { root } = context;
  const prompt = root.querySelector("[data-prompt]");
  const layer = root.querySelector("[data-layer]");
  const pieces = root.querySelector("[data-pieces]");
  context.onState = (state) => {
    drawTokenButtons(pieces, state.tokens.map((token) => ({ token })), state.position);
    showTokens(root, state, pick);
    layer.value = String(state.layer);
  };
  context.onArgs = (args) => {
    prompt.value = args.prompt;
  };
  const project = async (position) => {
    if (!prompt.value.trim()) {
      context.say("Type some text first: the heads read one of its tokens.", "error");
      return;
    }
    const block = Number(layer.value);
    if (!Number.isInteger(block)) {
      context.say("The block is a whole number, counted from 0.", "error");
      return;
    }
    await runKernel(context, { prompt: prompt.value, position, layer: block });
  };
  root.querySelector("[data-action=project]").addEventListener("click", () => project(-1));
  for (const input of [prompt, layer]) {
    input.addEventListener("keydown", (event) => {
      if (event.key !== "Enter") return;
      const same = input === layer && prompt.value === context.args.prompt;
      project(same ? context.state.position : -1);
    });
  }
  pieces.addEventListener("click", (event) => {
    const button = event.target.closest("[data-pick]");
    if (button) project(Number(button.dataset.pick));
  });
}
