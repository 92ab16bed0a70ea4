/**
 * @ipfs-accelerate/core/testing: test helpers for anything built on the core. Real HTTP servers on
 * 127.0.0.1 (ephemeral port) to point a client at, and event-loop helpers for tests that pair a
 * `FakeClock` with real sockets. Test support only: nothing here belongs in production code.
 */

export {
  type ClientHarness,
  type ClientHarnessConfig,
  clientHarness,
} from './testing/client-harness.js';
export {
  type LoopbackExchange,
  type LoopbackHandler,
  type LoopbackServer,
  type LoopbackServerOptions,
  startLoopbackServer,
} from './testing/loopback-server.js';
export {
  ndjsonBody,
  type RecordedRequest,
  type ScriptedReply,
  type ScriptedServer,
  type ScriptedServerOptions,
  sseBody,
  startScriptedServer,
  UNSCRIPTED_STATUS,
} from './testing/scripted-server.js';
export {
  type CertificatePair,
  hasOpenssl,
  selfSignedCertificate,
} from './testing/self-signed-certificate.js';
export { collect, waitFor } from './testing/wait-for.js';
