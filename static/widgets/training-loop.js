/**
 * The training loop: a figure the build drew whole from the loss-curve trace (loss_curve). It has
 * no input of its own; a live result carries the same run, and its numbers arrive through
 * data-bind, so there is nothing to redraw.
 */

/** @param {object} context see page.js makeContext */
export function mount(context) {
  context.onState = () => {};
}
