/**
 * Model playground: the project's own small GPT, running in NumPy in this page, continues the
 * reader's text; the widget reports how fast this browser generated it.
 */

/** @param {object} context see page.js makeContext */
export function mount(context) {
  const { root } = context;
  const prompt = root.querySelector("[data-prompt]");
  const settings = [...root.querySelectorAll("[data-setting]")];
  const echo = root.querySelector("[data-prompt-echo]");
  const generated = root.querySelector("[data-generated]");
  const speed = root.querySelector("[data-speed]");
  const button = root.querySelector("[data-action=generate]");
  const read = () => Object.fromEntries(settings.map((s) => [s.dataset.setting, Number(s.value)]));
  context.onArgs = (args) => {
    prompt.value = args.prompt;
    for (const s of settings) s.value = String(args[s.dataset.setting]);
  };
  for (const s of settings) {
    s.addEventListener("input", () => {
      const out = root.querySelector(`[data-show="${s.dataset.setting}"]`);
      if (out) out.textContent = s.value;
    });
  }
  const run = async () => {
    if (!prompt.value.trim()) {
      context.say("Type a few words first: the model continues what you write.", "error");
      return;
    }
    button.disabled = true;
    context.say("Generating…");
    const started = performance.now();
    try {
      const state = await context.compute({ ...read(), prompt: prompt.value });
      const seconds = (performance.now() - started) / 1000;
      echo.textContent = prompt.value;
      generated.textContent = state.text;
      speed.textContent = `Generated just now in your browser: ${state.ids.length} tokens in ${seconds.toFixed(2)} s (${Math.round(state.ids.length / seconds)} tokens/s, model loading included the first time).`;
      context.say("");
    } catch {
      /* compute() said why */
    } finally {
      button.disabled = false;
    }
  };
  button.addEventListener("click", run);
  root.querySelector("[data-action=new-seed]").addEventListener("click", () => {
    root.querySelector("[data-setting=seed]").value = String(Math.floor(Math.random() * 100000));
    run();
  });
}
