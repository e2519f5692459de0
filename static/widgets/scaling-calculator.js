/**
 * Scaling-law calculator: a parameter count and a tokens-per-parameter ratio give the training
 * tokens, the compute (6·N·D) and the accelerator-days, computed in Python.
 */
import { formatValue } from "../page/bind.js";
import { runKernel } from "./shared/run.js";

/** Show the derived figures in the units of the table. */
function show(root, state) {
  const set = (key, value, format) => {
    root.querySelector(`[data-bind="${key}"]`).textContent = formatValue(value, format);
  };
  set("tokens_trillions", state.tokens / 1e12, "fixed:2");
  set("compute_e23", state.compute / 1e23, "fixed:2");
  set("accelerator_days", state.accelerator_days, "fixed:0");
}

/** @param {object} context see page.js makeContext */
export function mount(context) {
  const { root } = context;
  const billions = root.querySelector("[data-parameters]");
  const ratio = root.querySelector("[data-ratio]");
  context.onState = (state) => show(root, state);
  context.onArgs = (args) => {
    billions.value = String(args.parameters / 1e9);
    ratio.value = String(args.tokens_per_parameter);
    root.querySelector("[data-show=ratio]").textContent = ratio.value;
  };
  const size = async () => {
    const n = Number(billions.value.replace(",", "."));
    if (!billions.value.trim() || !Number.isFinite(n) || n <= 0 || n > 1e6) {
      context.say("Type a number of billions of parameters, such as 7 or 70.", "error");
      return;
    }
    await runKernel(context, { parameters: n * 1e9, tokens_per_parameter: Number(ratio.value) });
  };
  root.querySelector("[data-action=size]").addEventListener("click", size);
  billions.addEventListener("keydown", (event) => {
    if (event.key === "Enter") size();
  });
  ratio.addEventListener("input", () => {
    root.querySelector("[data-show=ratio]").textContent = ratio.value;
    size();
  });
}
