import type { Check } from '../types.js';
import { admissionChecks } from './admission.js';
import { breakerChecks } from './breaker.js';
import { errorChecks } from './errors.js';
import { observabilityChecks } from './observability.js';
import { retryChecks } from './retry.js';
import { secretChecks } from './secrets.js';
import { streamingChecks } from './streaming.js';

/** Every feature check of the suite, in table order. */
export const FEATURE_CHECKS: readonly Check[] = [
  ...admissionChecks,
  ...retryChecks,
  ...breakerChecks,
  ...observabilityChecks,
  ...streamingChecks,
  ...errorChecks,
  ...secretChecks,
];
