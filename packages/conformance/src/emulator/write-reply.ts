import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Fault, JsonReply, Reply, StreamReply } from './types.js';

/** What {@link writeReply} needs from the server besides the reply. */
export interface WriteContext {
  readonly res: ServerResponse;
  /** Headers for this response before the reply's own (request id, rate limits, ...). */
  readonly baseHeaders: Readonly<Record<string, string>>;
  readonly errorFrame: (code: string | undefined, message: string | undefined) => string;
  readonly malformedFrame: string;
  readonly malformedBody: string;
  /** Runs `task` after `ms` of real time unless the emulator closes first. */
  readonly schedule: (task: () => void, ms: number) => void;
}

/** The default unparseable SSE frame. */
export const DEFAULT_MALFORMED_FRAME = 'data: {"id":"malformed","choices":[{"delta":\n\n';
/** The default unparseable JSON body. */
export const DEFAULT_MALFORMED_BODY = '{"id":"malformed","object":';

/** Destroys a socket with a TCP RST when the platform allows, else with a plain destroy. */
export function resetSocket(socket: Socket | null): void {
  if (!socket || socket.destroyed) return;
  try {
    socket.resetAndDestroy();
  } catch {
    socket.destroy();
  }
}

/** Writes a route's reply, applying the fault that shapes the reply itself (truncate, drip, malformed, ...). */
export function writeReply(context: WriteContext, reply: Reply, fault: Fault | undefined): void {
  if (context.res.destroyed) return;
  if (reply.kind === 'json') writeJson(context, reply, fault);
  else writeStream(context, reply, fault);
}

function writeJson(context: WriteContext, reply: JsonReply, fault: Fault | undefined): void {
  const { res } = context;
  const { payload, contentType } = serialiseBody(reply.body, reply.contentType);
  const headers: Record<string, string> = { ...context.baseHeaders, ...reply.headers };
  if (contentType) headers['content-type'] = contentType;
  switch (fault?.kind) {
    case 'truncate':
      res.writeHead(reply.status, headers);
      res.end(payload.subarray(0, Math.floor(payload.length / 2)));
      return;
    case 'malformed':
      res.writeHead(reply.status, { ...headers, 'content-type': 'application/json' });
      res.end(context.malformedBody);
      return;
    case 'reset-after-headers':
      res.writeHead(reply.status, headers);
      sendSequence(context, [], 'reset', 0);
      return;
    case 'drip': {
      res.writeHead(reply.status, headers);
      const size = Math.max(1, Math.ceil(payload.length / 4));
      const pieces: Buffer[] = [];
      for (let at = 0; at < payload.length; at += size) pieces.push(payload.subarray(at, at + size));
      sendSequence(context, pieces, 'end', fault.intervalMs);
      return;
    }
    default:
      headers['content-length'] = String(payload.length);
      res.writeHead(reply.status, headers);
      res.end(payload);
  }
}

function writeStream(context: WriteContext, reply: StreamReply, fault: Fault | undefined): void {
  const { res } = context;
  res.writeHead(reply.status, {
    ...context.baseHeaders,
    'content-type': reply.contentType,
    'cache-control': 'no-cache',
    ...reply.headers,
  });
  const preamble = Math.min(reply.contentStart ?? 0, reply.frames.length);
  const terminator = reply.terminator === undefined ? [] : [reply.terminator];
  switch (fault?.kind) {
    case 'truncate':
      sendSequence(context, reply.frames.slice(0, preamble + Math.max(0, fault.afterEvents)), 'end', 0);
      return;
    case 'stream-error': {
      const sent = reply.frames.slice(0, preamble + Math.max(0, fault.afterEvents));
      sendSequence(context, [...sent, context.errorFrame(fault.code, fault.message)], 'end', 0);
      return;
    }
    case 'malformed': {
      const frames = [...reply.frames];
      frames.splice(preamble, 0, context.malformedFrame);
      sendSequence(context, [...frames, ...terminator], 'end', 0);
      return;
    }
    case 'reset-after-headers':
      sendSequence(context, reply.frames.slice(0, 1), 'reset', 0);
      return;
    case 'drip':
      sendSequence(context, [...reply.frames, ...terminator], 'end', fault.intervalMs);
      return;
    default:
      sendSequence(context, [...reply.frames, ...terminator], 'end', 0);
  }
}

/**
 * Sends chunks, at once (one write) or one every `intervalMs`, then ends the body or resets the socket. The reset
 * waits for the write callback so the bytes reach the kernel before the RST.
 */
function sendSequence(
  context: WriteContext,
  chunks: readonly (string | Buffer)[],
  finish: 'end' | 'reset',
  intervalMs: number,
): void {
  const { res } = context;
  const finishWith = (last: string | Buffer): void => {
    if (finish === 'end') res.end(last);
    else res.write(last, () => resetSocket(res.socket));
  };
  if (intervalMs <= 0) {
    finishWith(
      Buffer.concat(chunks.map((chunk) => (typeof chunk === 'string' ? Buffer.from(chunk) : chunk))),
    );
    return;
  }
  let next = 0;
  const step = (): void => {
    if (res.destroyed) return;
    const chunk = chunks[next++];
    if (chunk === undefined) {
      finishWith('');
      return;
    }
    res.write(chunk);
    context.schedule(step, intervalMs);
  };
  step();
}

function serialiseBody(
  body: unknown,
  contentType: string | undefined,
): { payload: Buffer; contentType?: string } {
  if (body === undefined || body === null) return { payload: Buffer.alloc(0), contentType };
  if (typeof body === 'string') {
    return { payload: Buffer.from(body), contentType: contentType ?? 'text/plain; charset=utf-8' };
  }
  if (body instanceof Uint8Array) {
    return {
      payload: Buffer.from(body.buffer, body.byteOffset, body.byteLength),
      contentType: contentType ?? 'application/octet-stream',
    };
  }
  return { payload: Buffer.from(JSON.stringify(body)), contentType: contentType ?? 'application/json' };
}
