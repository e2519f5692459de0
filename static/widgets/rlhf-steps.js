/**
 * RLHF in three steps: tabs for fine-tuning, the reward model and reinforcement learning; the
 * sliders recompute the reward model's verdict and the RL objective in Python.
 */
import { runKernel } from "./shared/run.js";

/** @param {object} context see page.js makeContext */
export function mount(context) {
  const { root } = context;
  const tabs = [...root.querySelectorAll("[data-step]")];
  const settings = [...root.querySelectorAll("[data-setting]")];
  const select = (tab) => {
    for (const other of tabs) {
      const chosen = other === tab;
      other.setAttribute("aria-selected", String(chosen));
      other.tabIndex = chosen ? 0 : -1;
      root.querySelector(`[data-panel="${other.dataset.step}"]`).hidden = !chosen;
    }
  };
  for (const tab of tabs) tab.addEventListener("click", () => select(tab));
  root.querySelector("[role=tablist]").addEventListener("keydown", (event) => {
    const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
    if (!step) return;
    const next = tabs[(tabs.indexOf(document.activeElement) + step + tabs.length) % tabs.length];
    select(next);
    next.focus();
  });
  context.onArgs = (args) => {
    for (const s of settings) {
      s.value = String(args[s.dataset.setting]);
      root.querySelector(`[data-show="${s.dataset.setting}"]`).textContent = s.value;
    }
  };
  for (const s of settings) {
    s.addEventListener("input", async () => {
      root.querySelector(`[data-show="${s.dataset.setting}"]`).textContent = s.value;
      await runKernel(context, { [s.dataset.setting]: Number(s.value) });
    });
  }
}
