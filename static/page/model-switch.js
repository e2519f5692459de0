/**
 * The model switch: a widget whose template has a `<select data-model-switch>` (the
 * templates/model-switch.html partial) runs its kernel on the model the reader picks, with
 * the widget's other arguments as its controls hold them now (`context.readArgs()`, which the
 * widget's module sets) or, without that, as they were. The build-time state is the GPT-2's; the other model's
 * weights are fetched the first time it is picked (page.js dataFor), and a link keeps the
 * choice like any argument (permalink.js).
 *
 * Example: picking "llama" calls `context.compute({ ...context.readArgs(), model: "llama" })`.
 */

/** @param {object} context see page.js makeContext */
export function wireModelSwitch(context) {
  const select = context.root.querySelector("select[data-model-switch]");
  if (!select) return;
  const previous = context.onArgs;
  context.onArgs = (args) => {
    select.value = args.model ?? select.value;
    previous?.(args);
  };
  select.addEventListener("change", () => {
    const picked = select.value;
    context.say(picked === "gpt2" ? "Running the GPT-2…" : "Loading the Llama-style model (4 MB, once)…");
    context.compute({ ...context.readArgs?.(), model: picked }).then(
      () => context.say(""),
      () => {
        select.value = context.args.model ?? "gpt2"; // compute() said why; the shown model stays
      },
    );
  });
}
