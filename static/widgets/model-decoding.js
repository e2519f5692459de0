/**
 * The real model continuing one prompt under five decoding rules; results are bound to the
 * template by the shared runtime (textContent), so this module only gathers the settings.
 */

/** @param {object} context see page.js makeContext */
export function mount(context) {
  const { root } = context;
  const prompt = root.querySelector("[data-prompt]");
  const settings = [...root.querySelectorAll("[data-setting]")];
  const seed = root.querySelector("[data-setting=seed]");
  const button = root.querySelector("[data-action=generate]");
  context.onArgs = (args) => {
    prompt.value = args.prompt;
    for (const s of settings) {
      s.value = String(args[s.dataset.setting]);
      const shown = root.querySelector(`[data-show="${s.dataset.setting}"]`);
      if (shown) shown.textContent = s.value;
    }
  };
  for (const s of settings) {
    s.addEventListener("input", () => {
      const shown = root.querySelector(`[data-show="${s.dataset.setting}"]`);
      if (shown) shown.textContent = s.value;
    });
  }
  const run = async () => {
    if (!prompt.value.trim()) {
      context.say("Type a few words first: the model continues what you write.", "error");
      return;
    }
    button.disabled = true;
    context.say("Generating five continuations…");
    try {
      await context.compute({
        prompt: prompt.value,
        ...Object.fromEntries(settings.map((s) => [s.dataset.setting, Number(s.value)])),
      });
      context.say("");
    } catch {
      /* compute() said why */
    } finally {
      button.disabled = false;
    }
  };
  button.addEventListener("click", run);
  root.querySelector("[data-action=new-seed]").addEventListener("click", () => {
    seed.value = String(Math.floor(Math.random() * 100000));
    run();
  });
}
