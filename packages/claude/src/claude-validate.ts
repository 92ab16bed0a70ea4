/**
 * Checks of caller input, run before anything is queued: a wrong argument is an InvalidRequestError naming
 * the field, never a round trip to the service. The field checks are the core's, bound to `claude`.
 */
import { createInputChecks, type InputChecks } from '@ipfs-accelerate/core';

/** The provider name on every error of this package. */
export const PROVIDER = 'claude';

/** The core field checks, bound to `claude`. */
export const check: InputChecks = createInputChecks(PROVIDER);
