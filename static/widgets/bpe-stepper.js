/**
 * BPE stepper: train on the reader's words with as many merges as the slider says, showing
 * each merge and the words after it, then how a few words are encoded, each as trees of merges.
 */
import { settledRun } from "./shared/run.js";

/** One node of a merge tree: its token over the two pieces it was merged from, if any. */
function treeNode(tree) {
  const item = document.createElement("li");
  item.className = "bpe-node";
  const token = document.createElement("span");
  token.className = tree.parts ? "bpe-token" : "bpe-token bpe-leaf";
  token.textContent = tree.token;
  item.append(token);
  if (tree.parts) {
    const parts = document.createElement("ul");
    parts.append(...tree.parts.map(treeNode));
    item.append(parts);
  }
  return item;
}

/** Each encoded word with its tokens as trees (the build draws the same nested lists). */
function drawTrees(root, state) {
  const words = state.encoded.map((entry) => {
    const item = document.createElement("li");
    item.className = "bpe-word";
    const word = document.createElement("code");
    word.textContent = entry.text;
    const forest = document.createElement("ul");
    forest.className = "bpe-forest";
    forest.append(...entry.trees.map(treeNode));
    item.append(word, forest);
    return item;
  });
  root.querySelector("[data-trees]").replaceChildren(...words);
}

/** Draw the merges and encodings (their count varies, so the widget draws them). */
function draw(root, state) {
  const merges = state.merges.map((merge) => {
    const item = document.createElement("li");
    const head = document.createElement("strong");
    head.textContent = `(${merge.pair[0]}, ${merge.pair[1]}) → ${merge.token}`;
    const note = document.createElement("span");
    note.className = "muted";
    note.textContent = ` seen ${merge.count}×, new id ${merge.id}`;
    const pieces = document.createElement("div");
    pieces.className = "pieces";
    pieces.textContent = merge.pieces.join(" ");
    item.append(head, note, pieces);
    return item;
  });
  root.querySelector("[data-merge-list]").replaceChildren(...merges);
  const encoded = state.encoded.map((entry) => {
    const item = document.createElement("li");
    const word = document.createElement("code");
    word.textContent = entry.text;
    item.append(word, ` → ${entry.tokens.join(" · ")} = [${entry.ids.join(", ")}]`);
    return item;
  });
  root.querySelector("[data-encoded]").replaceChildren(...encoded);
  drawTrees(root, state);
}

/** @param {object} context see page.js makeContext */
export function mount(context) {
  const { root } = context;
  const train = root.querySelector("[data-train]");
  const merges = root.querySelector("[data-merges]");
  const shown = root.querySelector("[data-merges-out]");
  context.onState = (state) => draw(root, state);
  context.onArgs = (args) => {
    train.value = args.text;
    merges.value = String(args.num_merges);
    shown.textContent = String(args.num_merges);
  };
  const settled = settledRun(context, () => {
    const words = train.value.split(/\s+/).filter(Boolean);
    return { text: train.value, num_merges: Number(merges.value), encode: words.length ? words.slice(0, 4) : ["low"] };
  }, 120);
  const update = () => {
    shown.textContent = merges.value;
    settled();
  };
  train.addEventListener("input", update);
  merges.addEventListener("input", update);
}
