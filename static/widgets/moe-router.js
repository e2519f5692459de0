/**
 * Mixture-of-experts router: router probabilities per token and expert (bound and coloured by
 * the shared runtime), the experts each token is sent to ringed, and the load per expert.
 */
import { runKernel } from "./shared/run.js";

/** Ring the cells of the experts each token was routed to. */
function markRouted(root, state) {
  for (const cell of root.querySelectorAll("[data-cell]")) {
    const [token, expert] = cell.dataset.cell.split(".").map(Number);
    cell.classList.toggle("routed", state.experts[token].includes(expert));
  }
}

/** @param {object} context see page.js makeContext */
export function mount(context) {
  const { root } = context;
  const k = root.querySelector("[data-setting=k]");
  const shown = root.querySelector("[data-show=k]");
  context.onState = (state) => markRouted(root, state);
  context.onArgs = (args) => {
    k.value = String(args.k);
    shown.textContent = String(args.k);
  };
  const run = (changes) => runKernel(context, changes);
  k.addEventListener("input", () => {
    shown.textContent = k.value;
    run({ k: Number(k.value) });
  });
  root.querySelector("[data-action=new-tokens]").addEventListener("click", () => {
    run({ seed: Math.floor(Math.random() * 100000) });
  });
}
