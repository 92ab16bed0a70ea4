/**
 * Request ids: `req_` followed by 24 lowercase hex characters (96 random bits).
 *
 * Ids come from the operating system's CSPRNG, so they cannot be guessed from earlier ones. Calling
 * `randomBytes` per id would dominate the cost on a hot path, so one call fills a pool of hex text and
 * each id takes the next slice of it; the pool is refilled when used up.
 */
import { randomBytes } from 'node:crypto';

/** The prefix of every generated request id. */
export const REQUEST_ID_PREFIX = 'req_';

/** Matches a generated request id exactly. Ids supplied by callers need not match it. */
export const REQUEST_ID_PATTERN: RegExp = /^req_[0-9a-f]{24}$/;

const ID_HEX_LENGTH = 24;
// 256 ids per refill: one syscall-backed read of 3 KiB instead of 256 small ones.
const IDS_PER_POOL = 256;
const POOL_BYTES = (ID_HEX_LENGTH / 2) * IDS_PER_POOL;

let pool = '';
let offset = 0;

/**
 * Returns a new, unpredictable request id such as `req_3f9a0c1e5b7d2a4c6e8f0a1b`.
 *
 * @example
 * ```ts
 * const id = generateRequestId(); // 'req_' + 24 hex chars
 * ```
 */
export function generateRequestId(): string {
  if (offset >= pool.length) {
    pool = randomBytes(POOL_BYTES).toString('hex');
    offset = 0;
  }
  const start = offset;
  offset += ID_HEX_LENGTH;
  return REQUEST_ID_PREFIX + pool.slice(start, offset);
}
