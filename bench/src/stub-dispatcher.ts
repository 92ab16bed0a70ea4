/**
 * An in-process undici dispatcher that answers every request at once with fixed bytes: no socket, no parser.
 * It isolates what a client does per request from what the network costs, for profiling the pipeline and
 * for the soak of scenario 5 when requested. It speaks undici 7's handler protocol (onRequestStart,
 * onResponseStart, onResponseData, onResponseEnd) and answers on a microtask, as a real response arrives
 * asynchronously.
 */
import { Dispatcher } from 'undici';
import { chatCompletionJson } from './loopback/responses.js';

const body = Buffer.from(chatCompletionJson());
const headers = {
  'content-type': 'application/json',
  'content-length': String(body.length),
  'x-request-id': 'req_stub',
};
const rawHeaders = Object.entries(headers).flatMap(([name, value]) => [
  Buffer.from(name),
  Buffer.from(value),
]);

/** The handler protocol of undici 6 and before, which `undici.request` still hands to a custom dispatcher. */
interface LegacyHandler {
  onConnect?(abort: (reason?: Error) => void): void;
  onHeaders?(status: number, headers: Buffer[], resume: () => void, statusText: string): boolean;
  onData?(chunk: Buffer): boolean;
  onComplete?(trailers: Buffer[] | null): void;
  onError?(error: Error): void;
}

class StubController implements Dispatcher.DispatchController {
  aborted = false;
  paused = false;
  reason: Error | null = null;
  abort(reason: Error): void {
    this.aborted = true;
    this.reason = reason;
  }
  pause(): void {
    this.paused = true;
  }
  resume(): void {
    this.paused = false;
  }
}

/** Answers every request with the small chat completion. Counts what it served. */
export class StubDispatcher extends Dispatcher {
  served = 0;

  override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    const controller = new StubController();
    void options;
    const legacy = handler as LegacyHandler;
    if (typeof handler.onResponseStart !== 'function' && typeof legacy.onHeaders === 'function') {
      queueMicrotask(() => {
        legacy.onConnect?.((reason) => controller.abort(reason ?? new Error('aborted')));
        if (controller.aborted) {
          legacy.onError?.(controller.reason as Error);
          return;
        }
        legacy.onHeaders?.(200, rawHeaders, () => {}, 'OK');
        legacy.onData?.(body);
        legacy.onComplete?.([]);
        this.served++;
      });
      return true;
    }
    queueMicrotask(() => {
      handler.onRequestStart?.(controller, {});
      if (controller.aborted) {
        handler.onResponseError?.(controller, controller.reason as Error);
        return;
      }
      handler.onResponseStart?.(controller, 200, headers, 'OK');
      handler.onResponseData?.(controller, body);
      handler.onResponseEnd?.(controller, {});
      this.served++;
    });
    return true;
  }

  override async close(): Promise<void> {}
  override async destroy(): Promise<void> {}
}
