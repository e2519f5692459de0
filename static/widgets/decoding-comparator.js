/**
 * Decoding comparator: the reader's temperature, top-k, top-p and seed against seed 002's fixed
 * strategies; the same seed always gives the same draws, a new seed new ones.
 */
import { settledRun } from "./shared/run.js";
import { echoSettings, readSettings, restoreSettings } from "./shared/settings.js";

/** @param {object} context see page.js makeContext */
export function mount(context) {
  const { root } = context;
  const inputs = [...root.querySelectorAll("[data-setting]")];
  const draws = root.querySelector("[data-draws]");
  context.onState = (state) => {
    draws.textContent = state.draws.tokens.join(" ");
    state.mine.probs.forEach((p, i) => {
      const cell = root.querySelector(`[data-bind="mine.probs.${i}"]`);
      if (!state.mine.kept.includes(i)) cell.textContent = "–";
    });
  };
  context.onArgs = (args) => restoreSettings(root, inputs, args);
  const settled = settledRun(context, () => {
    const settings = readSettings(inputs);
    const fine = Number.isInteger(settings.seed) && settings.seed >= 0;
    return fine ? settings : "The seed must be a whole number from 0 upwards.";
  });
  const update = () => {
    echoSettings(root, inputs);
    settled();
  };
  inputs.forEach((input) => input.addEventListener("input", update));
  root.querySelector("[data-action=new-seed]").addEventListener("click", () => {
    root.querySelector("[data-setting=seed]").value = String(Math.floor(Math.random() * 100000));
    update();
  });
}
