/**
 * The emulator framework: a protocol is an {@link EmulatorDefinition} (route table + provider-shaped errors,
 * frames and headers); {@link startEmulator} runs it as a real HTTP server with a request log, gauges and a
 * fault script.
 */

export { exampleProtocol, startExampleEmulator } from './example-protocol.js';
export { ANY_ROUTE, FaultScript } from './fault-script.js';
export { type RouteMatch, RouteTable } from './route-table.js';
export { startEmulator } from './start-emulator.js';
export type {
  Emulator,
  EmulatorDefinition,
  EmulatorOptions,
  EmulatorRequest,
  ErrorSpec,
  Fault,
  FaultSource,
  JsonReply,
  Reply,
  RouteHandler,
  RouteParams,
  StreamReply,
} from './types.js';
export { DEFAULT_MALFORMED_BODY, DEFAULT_MALFORMED_FRAME, resetSocket } from './write-reply.js';
