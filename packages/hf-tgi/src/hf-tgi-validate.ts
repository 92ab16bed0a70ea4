/**
 * Checks of caller input, run before anything is queued: a bad argument is an InvalidRequestError at once.
 * The field checks are the core's, bound to `hf-tgi`.
 */
import { createInputChecks, type InputChecks } from '@ipfs-accelerate/core';

/** The provider name used in messages and errors. */
export const PROVIDER = 'hf-tgi';

/** The core field checks, bound to `hf-tgi`. */
export const check: InputChecks = createInputChecks(PROVIDER);
