/**
 * Decoding comparator: the reader's temperature, top-k, top-p and seed against seed 002's fixed
 * strategies; the same seed always gives the same draws, a new seed new ones.
 */

/** @param {object} context see page.js makeContext */
export function mount(context) {
  const { root } = context;
  const inputs = [...root.querySelectorAll("[data-setting]")];
  const draws = root.querySelector("[data-draws]");
  const read = () => Object.fromEntries(inputs.map((input) => [input.dataset.setting, Number(input.value)]));
  const showValues = () => {
    for (const input of inputs) {
      const out = root.querySelector(`[data-show="${input.dataset.setting}"]`);
      if (out) out.textContent = input.value;
    }
  };
  context.onState = (state) => {
    draws.textContent = state.draws.tokens.join(" ");
    state.mine.probs.forEach((p, i) => {
      const cell = root.querySelector(`[data-bind="mine.probs.${i}"]`);
      if (!state.mine.kept.includes(i)) cell.textContent = "–";
    });
  };
  context.onArgs = (args) => {
    for (const input of inputs) input.value = String(args[input.dataset.setting]);
    showValues();
  };
  let timer = null;
  const update = () => {
    showValues();
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const settings = read();
      if (!Number.isInteger(settings.seed) || settings.seed < 0) {
        context.say("The seed must be a whole number from 0 upwards.", "error");
        return;
      }
      try {
        await context.compute(settings);
        context.say("");
      } catch {
        /* compute() said why */
      }
    }, 100);
  };
  inputs.forEach((input) => input.addEventListener("input", update));
  root.querySelector("[data-action=new-seed]").addEventListener("click", () => {
    root.querySelector("[data-setting=seed]").value = String(Math.floor(Math.random() * 100000));
    update();
  });
}
