/**
 * Retrieval on the real model (retrieval): the reader types a question and may switch off the
 * induction head; the kernel ranks the library, continues with and without the best passage,
 * and this draws the ranking and both continuations again, marking the tokens that repeat
 * the passage (textContent only).
 */
import { formatValue } from "../page/bind.js";
import { settledRun } from "./shared/run.js";

/** A span of one token, marked by whether it repeats the passage. */
function tokenSpan(token, copied) {
  return Object.assign(document.createElement("span"), { className: copied ? "rag-copied" : "rag-own", textContent: token });
}

/** One ranked passage: its cosine, then its text. */
function hitItem(hit) {
  const item = document.createElement("li");
  const score = Object.assign(document.createElement("span"), { className: "rag-score", textContent: formatValue(hit.cosine, "fixed:3") });
  item.append(score, ` ${hit.passage}`);
  return item;
}

/** @param {object} context see page.js makeContext */
export function mount(context) {
  const { root } = context;
  const query = root.querySelector("[data-query]");
  const ablate = root.querySelector("[data-ablate]");
  context.onState = (state) => {
    root.querySelector("[data-ranked]").replaceChildren(...state.ranked.map(hitItem));
    root.querySelector("[data-with]").replaceChildren(...state.with_passage.map((t, i) => tokenSpan(t, state.copied_from[i] >= 0)));
    root.querySelector("[data-without]").textContent = state.without_passage.join("");
  };
  context.onArgs = (args) => {
    if (args.query !== undefined) query.value = args.query;
    ablate.checked = Boolean(args.ablate);
  };
  const update = settledRun(context, () => ({ query: query.value, ablate: ablate.checked }), 400);
  query.addEventListener("input", update);
  ablate.addEventListener("change", update);
}
