/**
 * The text box of the widgets that run the model on the reader's words: the kernel runs on a
 * click of the button or on Enter; an empty box gets a plain sentence and nothing runs; when
 * Python refuses or fails, compute() has said why and the last result stays. Text restored from
 * a link is echoed back into the box.
 *
 * Example: `wireTextRun(context, { input, button, empty: "Type some text first." })` runs
 * `context.compute({ prompt: input.value })`; it returns the run function, which takes extra
 * arguments (`run({ position: 3 })`). `fresh` holds the arguments a run from the box starts
 * over with (`{ position: -1 }`: a new text is followed from its last token).
 */

import { runKernel } from "./run.js";

/**
 * @param {object} context see page.js makeContext
 * @param {{input: HTMLInputElement, button: HTMLElement, empty: string, argument?: string,
 *   fresh?: object}} parts
 */
export function wireTextRun(context, { input, button, empty, argument = "prompt", fresh = {} }) {
  const run = async (more = fresh) => {
    if (!input.value.trim()) context.say(empty, "error");
    else await runKernel(context, { [argument]: input.value, ...more });
  };
  context.onArgs = (args) => {
    input.value = args[argument];
  };
  context.readArgs = () => ({ [argument]: input.value }); // what a model switch re-runs
  button.addEventListener("click", () => run());
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter") run();
  });
  return run;
}
