/**
 * The two models side by side (model_comparison): the build measured everything but speed in
 * CPython; the button runs the kernel with `measure` in this browser (both models load, then
 * each generates 120 greedy tokens, timed here), and the speeds arrive through data-bind.
 */

/** @param {object} context see page.js makeContext */
export function mount(context) {
  const { root } = context;
  const button = root.querySelector("[data-action=measure]");
  const where = root.querySelector("[data-speed-where]");
  button.addEventListener("click", async () => {
    button.disabled = true;
    context.say("Loading both models and timing each in your browser…");
    try {
      await context.compute({ measure: true });
      where.textContent = "your browser, just now";
      context.say("");
    } catch {
      /* compute() said why; the build's figures stay */
    } finally {
      button.disabled = false;
    }
  });
}
