/**
 * Sharing keys and values (kv_sharing): the reader picks how many key/value heads the query
 * heads share; the kernel runs again and its numbers and heat cells arrive through data-bind
 * and data-heat. This redraws what changes shape: the list of groups, and which key/value head
 * each query head reads (textContent only).
 */
import { settledRun } from "./shared/run.js";

/** One group as the template writes it: "K/V g" and the query heads that read it. */
function groupItem(group, g) {
  const item = document.createElement("li");
  const shared = document.createElement("span");
  shared.className = "kv-shared";
  shared.textContent = `K/V ${g}`;
  const readers = document.createElement("span");
  readers.className = "kv-readers";
  for (const h of group) {
    const query = document.createElement("span");
    query.className = "kv-query";
    query.textContent = `Q${h}`;
    readers.append(query);
  }
  item.append(shared, " ", readers);
  return item;
}

/** @param {object} context see page.js makeContext */
export function mount(context) {
  const { root } = context;
  const choices = [...root.querySelectorAll("[data-kv-heads]")];
  context.onState = (state) => {
    root.querySelector("[data-groups]").replaceChildren(...state.groups.map(groupItem));
    for (const [h, g] of state.reads.entries()) root.querySelector(`[data-reads="${h}"]`).textContent = `K/V ${g}`;
  };
  context.onArgs = (args) => {
    for (const choice of choices) choice.checked = Number(choice.value) === args.n_kv_head;
  };
  const update = settledRun(context, () => ({ n_kv_head: Number(choices.find((c) => c.checked).value) }));
  for (const choice of choices) choice.addEventListener("change", update);
}
