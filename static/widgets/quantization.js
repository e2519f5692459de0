/**
 * Quantization on a real weight matrix: pick a matrix and a scheme; Python quantizes it to
 * int8, measures the error and the model's loss with the quantized weights.
 */
import { runKernel } from "./shared/run.js";

/** @param {object} context see page.js makeContext */
export function mount(context) {
  const { root } = context;
  const name = root.querySelector("[data-name]");
  const everything = root.querySelector("[data-everything]");
  const scheme = () => root.querySelector("[data-scheme]:checked").value;
  context.onArgs = (args) => {
    name.value = args.name;
    everything.checked = args.everything;
    root.querySelector(`[data-scheme][value="${args.scheme}"]`).checked = true;
  };
  const run = async () => {
    context.say("Quantizing and re-running the model…");
    await runKernel(context, { name: name.value, scheme: scheme(), everything: everything.checked });
  };
  for (const control of [name, everything, ...root.querySelectorAll("[data-scheme]")]) {
    control.addEventListener("change", run);
  }
}
