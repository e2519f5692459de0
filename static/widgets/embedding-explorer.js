/**
 * Embedding explorer: a word becomes the model's tokens; the picked token's row of the real
 * embedding table is drawn as colours, with its nearest neighbours by cosine similarity.
 * Lists change length, so this widget draws them itself (textContent only).
 */
import { runKernel } from "./shared/run.js";
import { visible } from "./shared/text.js";
import { formatValue } from "../page/bind.js";
import { drawTokenButtons } from "./shared/token-buttons.js";

/** The neighbour list: token, a meter and the cosine. */
function drawNeighbours(list, state) {
  list.replaceChildren(...state.neighbours.map((n) => {
    const item = document.createElement("li");
    const token = document.createElement("span");
    token.className = "neighbour-token";
    token.textContent = visible(n.token);
    const meter = document.createElement("meter");
    meter.min = -1;
    meter.max = 1;
    meter.value = n.cosine;
    meter.setAttribute("aria-label", "cosine similarity");
    const cosine = document.createElement("span");
    cosine.className = "neighbour-cosine";
    cosine.textContent = formatValue(n.cosine, "fixed:3");
    item.append(token, " ", meter, " ", cosine);
    return item;
  }));
}

/** @param {object} context see page.js makeContext */
export function mount(context) {
  const { root } = context;
  const input = root.querySelector("[data-text]");
  const space = root.querySelector("[data-space]");
  const pieces = root.querySelector("[data-pieces]");
  const neighbours = root.querySelector("[data-neighbours]");
  context.onState = (state) => {
    drawTokenButtons(pieces, state.pieces, state.pick);
    drawNeighbours(neighbours, state);
  };
  context.onArgs = (args) => {
    input.value = args.text;
    space.checked = args.space;
  };
  const look = async (pick = 0) => {
    if (!input.value.trim()) {
      context.say("Type a word first.", "error");
      return;
    }
    await runKernel(context, { text: input.value, space: space.checked, pick });
  };
  root.querySelector("[data-action=look-up]").addEventListener("click", () => look());
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter") look();
  });
  pieces.addEventListener("click", (event) => {
    const button = event.target.closest("[data-pick]");
    if (button) look(Number(button.dataset.pick));
  });
}
