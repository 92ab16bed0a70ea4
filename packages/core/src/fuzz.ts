/**
 * @ipfs-accelerate/core/fuzz: fast-check arbitraries and checks to fuzz the response parsers and error
 * mappers of a backend built on the core, with the same traps the eleven built-in providers are fuzzed with:
 * near-miss bodies (the valid shape with fields wrong, missing or stray), coercion and prototype traps,
 * extremes, values nested past any stack, and error responses. A reader passes when it returns a well-formed
 * result or throws a taxonomy error (`AccelerateError`), never anything else; an error mapper passes when it
 * returns a taxonomy error.
 *
 * Needs `fast-check` (an optional peer dependency) installed. The checks throw a plain `Error`, so they work
 * under any test runner. Test support only: nothing here belongs in production code.
 *
 * @example
 * ```ts
 * import { anyErrorResponse, fuzzedBody, mapsToTaxonomyError, nearMiss, resultOrTypedError } from '@ipfs-accelerate/core/fuzz';
 * const reply = nearMiss({ id: fc.string(), text: fc.string() });
 * fc.assert(fc.property(fuzzedBody(reply), (body) => {
 *   resultOrTypedError(() => parseReply(body), (r) => assert.equal(typeof r.text, 'string'));
 * }));
 * fc.assert(fc.property(anyErrorResponse, (response) => { mapsToTaxonomyError(() => parseError(response)); }));
 * ```
 */

export { chunkSource, concatBytes, recordingSource, splitBytes } from './testing/fuzz-bytes.js';
export {
  eventsOf,
  expectChatStreamEvent,
  expectOptionalType,
  expectTaxonomyError,
  expectTokenUsage,
  expectToolCall,
  FINISH_REASONS,
  isCount,
  mapFramesOrTypedError,
  mapsToTaxonomyError,
  resultOrTypedError,
} from './testing/fuzz-checks.js';
export {
  anyBody,
  anyErrorResponse,
  DEEP_JSON_TEXTS,
  DEEP_VALUES,
  deeplyNested,
  fuzzAttemptContext,
  fuzzedBody,
  MISSING_FIELD,
  nearMiss,
  ownObject,
  plantTrap,
  rarelyPresent,
  toJsonText,
  trapValue,
  wrongValue,
} from './testing/fuzz-kit.js';
