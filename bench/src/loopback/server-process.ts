/**
 * The loopback server, run in its own process (`child_process.fork`) so that serving never shares the event
 * loop of the client being measured. It listens on 127.0.0.1 only, on a free port it reports to the parent,
 * and answers `POST /v1/chat/completions` from bytes built once: the small JSON answer, or, when the body asks
 * for `"stream":true`, the whole SSE stream in one write (so the server is never the bottleneck and the client
 * reads it in socket-sized pieces, cut anywhere, as a fast server's stream arrives).
 *
 * Settings come in the environment: `BENCH_STREAM_EVENTS` (text deltas per stream, default 2000).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { chatCompletionJson, chatStreamText } from './responses.js';

const streamEvents = Number(process.env.BENCH_STREAM_EVENTS ?? 2000);
const chatBody = Buffer.from(chatCompletionJson());
const streamBody = Buffer.from(chatStreamText(streamEvents));

const chatHeaders = {
  'content-type': 'application/json',
  'content-length': String(chatBody.length),
  'x-request-id': 'req_loopback',
  'openai-processing-ms': '1',
};
const streamHeaders = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  'x-request-id': 'req_loopback',
};

// The stream flag sits near the end of the body; looking for it in the raw bytes avoids a JSON.parse per request.
const STREAM_FLAG = Buffer.from('"stream":true');

function answer(req: IncomingMessage, res: ServerResponse, body: Buffer): void {
  if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end('{"error":{"message":"not found","type":"invalid_request_error"}}');
    return;
  }
  if (req.headers.authorization === undefined) {
    res.writeHead(401, { 'content-type': 'application/json' });
    res.end('{"error":{"message":"missing key","type":"invalid_request_error"}}');
    return;
  }
  if (body.includes(STREAM_FLAG)) {
    res.writeHead(200, streamHeaders);
    res.end(streamBody);
  } else {
    res.writeHead(200, chatHeaders);
    res.end(chatBody);
  }
}

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => answer(req, res, chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)));
});
server.keepAliveTimeout = 60_000;
server.headersTimeout = 65_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  process.send?.({ port: address.port });
});
// The parent asks for the server's CPU time to tell whether the server, not the client, was the bottleneck.
process.on('message', (message: unknown) => {
  if (message === 'cpu') process.send?.({ cpu: process.cpuUsage() });
});
process.on('disconnect', () => {
  server.closeAllConnections();
  server.close();
  process.exit(0);
});
