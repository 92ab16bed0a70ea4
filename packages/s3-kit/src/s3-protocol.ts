/**
 * The S3 wire protocol for the core pipeline: every attempt is signed afresh with SigV4 (`authorize`), the
 * query is put on the wire in its canonical form so what is signed is what is sent, and errors are mapped
 * from S3's XML. Credentials are read from the lane's secrets at signing time and never stored here.
 */
import { AuthenticationError, type ProtocolAdapter } from '@ipfs-accelerate/core';
import { addressUrl } from './s3-address.js';
import type { S3Addressing } from './s3-config.js';
import { parseS3Error } from './s3-error.js';
import { sha256Hex, signRequest } from './sigv4.js';
import { canonicalQuery } from './sigv4-canonical.js';

/** Headers never signed: hop-by-hop ones, and those a proxy or the HTTP stack may change. */
const UNSIGNED_HEADERS = new Set([
  'authorization',
  'connection',
  'content-length',
  'expect',
  'keep-alive',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'user-agent',
  'x-amzn-trace-id',
]);

/** What the adapter needs besides the lane. */
export interface S3ProtocolOptions {
  /** Signing region per endpoint id. */
  regions: ReadonlyMap<string, string>;
  /** Region of endpoints added later. */
  region: string;
  addressing: S3Addressing;
  /** The signing time (wall clock). */
  now: () => Date;
}

// Retried attempts re-sign the same bytes: remember their hash instead of hashing a part again.
const hashes = new WeakMap<Uint8Array, string>();

function payloadHashOf(body: string | Uint8Array | undefined): string {
  if (body === undefined || typeof body === 'string') return sha256Hex(body ?? '');
  let hash = hashes.get(body);
  if (hash === undefined) {
    hash = sha256Hex(body);
    hashes.set(body, hash);
  }
  return hash;
}

/** Builds the S3 protocol adapter. */
export function s3Protocol(options: S3ProtocolOptions): ProtocolAdapter {
  return {
    requestIdHeaders: ['x-amz-request-id'],
    parseError: parseS3Error,
    authorize(prepared, lane) {
      const accessKeyId = lane.apiKey();
      const secretAccessKey = lane.secret('secretAccessKey');
      if (accessKeyId === undefined || secretAccessKey === undefined) {
        throw new AuthenticationError(
          `s3: endpoint ${lane.id} has no credentials (apiKey = access key id, secrets.secretAccessKey)`,
        );
      }
      const url = addressUrl(prepared.url, lane.baseURL, options.addressing);
      const pairs = [...url.searchParams];
      url.search = pairs.length > 0 ? canonicalQuery(pairs) : '';
      prepared.url = url;
      const headers: Record<string, string> = {};
      let payloadHash: string | undefined;
      for (const [name, value] of Object.entries(prepared.headers)) {
        const lower = name.toLowerCase();
        if (lower === 'x-amz-content-sha256') payloadHash = value;
        if (lower === 'host' || UNSIGNED_HEADERS.has(lower) || lower.startsWith('x-amz-date')) continue;
        headers[lower] = value;
      }
      headers.host = url.host;
      const signed = signRequest(
        { method: prepared.method, path: url.pathname, query: url.search.slice(1), headers },
        {
          credentials: { accessKeyId, secretAccessKey, sessionToken: lane.secret('sessionToken') },
          region: options.regions.get(lane.id) ?? options.region,
          service: 's3',
          date: options.now(),
        },
        { payloadHash: payloadHash ?? payloadHashOf(prepared.body) },
      );
      for (const name of Object.keys(prepared.headers)) {
        if (name.toLowerCase() in signed.headers && !(name in signed.headers)) delete prepared.headers[name];
      }
      Object.assign(prepared.headers, signed.headers);
    },
  };
}
