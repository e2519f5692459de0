/**
 * Softmax quiz: the reader computes the first probability; "New problem" asks the kernel
 * (softmax_quiz) for fresh logits drawn from a new seed.
 */

/** A fresh seed for a new problem. */
function freshSeed() {
  return Math.floor(Math.random() * 2 ** 31);
}

/** @param {object} context see page.js makeContext */
export function mount(context) {
  const button = context.root.querySelector("[data-action=new]");
  button.addEventListener("click", async () => {
    button.disabled = true;
    context.say("Drawing a new problem…");
    try {
      await context.compute({ ...context.args, logits: null, seed: freshSeed() });
      context.root.querySelector("[data-steps]").open = false;
      context.say("New logits. What is the first probability?");
    } catch {
      /* compute() already said why */
    } finally {
      button.disabled = false;
    }
  });
}
