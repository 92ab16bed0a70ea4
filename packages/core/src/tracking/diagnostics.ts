/**
 * The library's `node:diagnostics_channel` channels, named in one place as `ipfs-accelerate:<area>:<event>`.
 *
 * Anyone can observe the pipeline without configuring it: subscribe to a channel by name (APM agents,
 * loggers, tests). Publishing is free when nobody listens: {@link publish} checks `hasSubscribers` before
 * it builds or sends anything.
 *
 * @example
 * ```ts
 * import diagnostics_channel from 'node:diagnostics_channel';
 * diagnostics_channel.subscribe('ipfs-accelerate:request:end', (message) => console.log(message));
 * ```
 */
import diagnosticsChannel from 'node:diagnostics_channel';

/**
 * Every channel the library publishes on.
 *
 * Messages carry live objects (for requests, the tracker's own record): subscribers must treat them as
 * read-only and copy what they keep, since the pipeline goes on updating them.
 */
export const DIAGNOSTIC_CHANNELS = {
  /** A request entered the pipeline (before queueing). Message: `{ record }`. */
  requestStart: 'ipfs-accelerate:request:start',
  /** An attempt ended (response, error or abort). Message: `{ record, attempt }`. */
  requestAttempt: 'ipfs-accelerate:request:attempt',
  /** A request finished, exactly once, whatever its outcome. Message: `{ record }`. */
  requestEnd: 'ipfs-accelerate:request:end',
  /** A circuit breaker changed state. Message: `{ provider, lane, from, to, reason, at }`. */
  breakerState: 'ipfs-accelerate:breaker:state',
  /** The admission queue shed a request (full). Message: `{ provider, lane, requestId, size, pending }`. */
  queueReject: 'ipfs-accelerate:queue:reject',
} as const;

/** The name of one of the library's diagnostics channels. */
export type DiagnosticChannelName = (typeof DIAGNOSTIC_CHANNELS)[keyof typeof DIAGNOSTIC_CHANNELS];

// Channel objects are looked up once per name and held, so the per-publish cost is one property read.
const channels = new Map<DiagnosticChannelName, diagnosticsChannel.Channel>();

function channelOf(name: DiagnosticChannelName): diagnosticsChannel.Channel {
  let channel = channels.get(name);
  if (channel === undefined) {
    channel = diagnosticsChannel.channel(name);
    channels.set(name, channel);
  }
  return channel;
}

/** Whether anyone listens on `name`; lets a caller skip costly work done only for subscribers. */
export function hasSubscribers(name: DiagnosticChannelName): boolean {
  return channelOf(name).hasSubscribers;
}

/**
 * Publishes `message` on channel `name`, or does nothing when the channel has no subscribers.
 *
 * Pass a function instead of an object to build the message only when someone listens; it is not called
 * otherwise. A subscriber that throws does not reach the publisher (Node reports it on `process`'s
 * `uncaughtException` asynchronously), so publishing never breaks a request.
 */
export function publish(name: DiagnosticChannelName, message: object | (() => object)): void {
  const channel = channelOf(name);
  if (!channel.hasSubscribers) return;
  channel.publish(typeof message === 'function' ? message() : message);
}
