/**
 * The block, pre-norm beside post-norm: a figure the build drew whole from the model's
 * configuration (model_overview's card). It has no input of its own and a live result carries
 * the same card, so there is nothing to redraw.
 */

/** @param {object} context see page.js makeContext */
export function mount(context) {
  context.onState = () => {};
}
