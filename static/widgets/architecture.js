/**
 * The architecture figure: the build drew every stage of the model from its configuration;
 * this fills the live column for the reader's prompt from `model_overview` (token pieces and
 * ids, the last token's vector length after each stage, where each head looks, the top next
 * tokens and the entropy). Numbers arrive through data-bind; token texts and the token chips,
 * whose count follows the prompt, are drawn here with textContent only.
 */
import { pick } from "../page/bind.js";
import { showTokens } from "./shared/text.js";
import { wireTextRun } from "./shared/text-run.js";
import { fillToken } from "./shared/token-buttons.js";

/** One chip per token: its piece (whitespace made visible) over its id. */
function tokenChip(token, id) {
  const chip = document.createElement("span");
  chip.className = "token";
  return fillToken(chip, token, id);
}

/** @param {object} context see page.js makeContext */
export function mount(context) {
  const { root } = context;
  const prompt = root.querySelector("[data-prompt]");
  context.onState = (state) => {
    root.querySelector("[data-tokens]")
      .replaceChildren(...state.tokens.map((token, i) => tokenChip(token, state.ids[i])));
    for (const count of root.querySelectorAll("[data-count]")) {
      count.textContent = String(pick(state, count.dataset.count).length);
    }
    showTokens(root, state, pick);
  };
  wireTextRun(context, {
    input: prompt,
    button: root.querySelector("[data-action=trace]"),
    empty: "Type a prompt first: the figure follows it through the model.",
  });
}
