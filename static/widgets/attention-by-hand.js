/**
 * Attention by hand: every cell is graded against the attention_by_hand kernel; the causal
 * toggle and "New problem" recompute it in Python.
 */

/** A fresh seed for a new problem. */
function freshSeed() {
  return Math.floor(Math.random() * 2 ** 31);
}

/** @param {object} context see page.js makeContext */
export function mount(context) {
  const { root } = context;
  const toggle = root.querySelector("[data-action=causal]");
  const causalOnly = root.querySelectorAll(".causal-only");
  const showCausal = (on) => causalOnly.forEach((element) => { element.hidden = !on; });
  context.onArgs = (args) => {
    toggle.checked = Boolean(args.causal);
    showCausal(Boolean(args.causal));
  };

  toggle.addEventListener("change", async () => {
    const wanted = toggle.checked;
    toggle.disabled = true;
    try {
      await context.compute({ causal: wanted });
      showCausal(wanted);
      context.say(wanted ? "Causal mask on: later tokens are hidden." : "Causal mask off: every token sees every token.");
    } catch {
      toggle.checked = !wanted;
    } finally {
      toggle.disabled = false;
    }
  });

  const fresh = root.querySelector("[data-action=new]");
  fresh.addEventListener("click", async () => {
    fresh.disabled = true;
    context.say("Drawing a new problem…");
    try {
      await context.compute({ seed: freshSeed() });
      context.say("New numbers: start again from the first step.");
    } catch {
      /* compute() already said why */
    } finally {
      fresh.disabled = false;
    }
  });
}
