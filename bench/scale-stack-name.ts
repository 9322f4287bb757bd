/** The name of the stack the scale app synthesizes. */
export const SCALE_STACK = 'scale';
