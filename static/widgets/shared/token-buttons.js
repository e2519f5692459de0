/**
 * A row of token buttons to pick one token from, shared by the widgets that follow or look up
 * a single token. Drawn with textContent only.
 */
import { visible } from "./text.js";

/**
 * A token's piece (whitespace made visible) and, if given, its id, inside ``node``.
 * @param {HTMLElement} node a span chip or a button
 * @param {string} token
 * @param {number} [id]
 */
export function fillToken(node, token, id) {
  const text = document.createElement("span");
  text.className = "token-text";
  text.textContent = visible(token);
  node.append(text);
  if (id !== undefined) {
    const number = document.createElement("span");
    number.className = "token-id";
    number.textContent = String(id);
    node.append(number);
  }
  return node;
}

/**
 * Fill ``box`` with one button per token; the picked one is pressed.
 * @param {HTMLElement} box
 * @param {{token: string, id?: number}[]} tokens
 * @param {number} picked index of the pressed button
 */
export function drawTokenButtons(box, tokens, picked) {
  box.replaceChildren(...tokens.map(({ token, id }, i) => {
    const button = document.createElement("button");
    button.type = "button";
    button.className = i === picked ? "token picked" : "token";
    button.setAttribute("aria-pressed", String(i === picked));
    button.dataset.pick = String(i);
    return fillToken(button, token, id);
  }));
}
