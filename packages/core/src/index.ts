export { type Clock, FakeClock, flushMicrotasks, systemClock, type TimerHandle } from './clock.js';
export * from './errors/index.js';
export {
  PRIORITIES,
  type Priority,
  type RequestOptions,
  validateRequestOptions,
} from './request-options.js';
