/**
 * The KV cache, prefill and decode: a figure the build drew whole from kv_cache_story. It has no
 * input of its own; a live result carries the same counts, and its numbers arrive through
 * data-bind, so there is nothing to redraw.
 */

/** @param {object} context see page.js makeContext */
export function mount(context) {
  context.onState = () => {};
}
