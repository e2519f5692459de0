import { echoSettings, readSettings, restoreSettings } from "./settings.js";

/**
 * What the two widgets that run the real model (model-playground, model-decoding) share: a
 * prompt, numeric settings each echoed beside its control (`[data-show=<setting>]`), a Generate
 * button that refuses an empty prompt, and a button that draws a new seed and generates again.
 *
 * Example: `wireModelSettings(context, "Generating…", (state, seconds, prompt) => ...)`: the
 * callback gets each new result, how long it took and the prompt it continued.
 * @param {object} context see page.js makeContext
 * @param {string} busy what the widget says while the model runs
 * @param {(state: object, seconds: number, prompt: string) => void} [shown]
 */
export function wireModelSettings(context, busy, shown = () => {}) {
  const { root } = context;
  const prompt = root.querySelector("[data-prompt]");
  const settings = [...root.querySelectorAll("[data-setting]")];
  const button = root.querySelector("[data-action=generate]");
  context.onArgs = (args) => {
    prompt.value = args.prompt;
    restoreSettings(root, settings, args);
  };
  for (const s of settings) s.addEventListener("input", () => echoSettings(root, settings));
  context.readArgs = () => ({ ...readSettings(settings), prompt: prompt.value }); // for a model switch
  const run = async () => {
    if (!prompt.value.trim()) {
      context.say("Type a few words first: the model continues what you write.", "error");
      return;
    }
    button.disabled = true;
    context.say(busy);
    const started = performance.now();
    try {
      const state = await context.compute(context.readArgs());
      shown(state, (performance.now() - started) / 1000, prompt.value);
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
