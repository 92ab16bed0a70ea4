/**
 * Optional spec stage: the AWS SigV4 known-answer suite (awslabs/aws-c-auth `aws-signing-test-suite/v4`), read
 * from `../shared/specs/aws-sigv4/` beside the repository and never copied in. Every case is checked in header
 * form (canonical request, string to sign, signature, Authorization) and query form (presigned).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { sha256Hex, signRequest } from './sigv4.js';
import { presignRequest } from './sigv4-presign.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const suiteDir = join(repoRoot, '..', 'shared', 'specs', 'aws-sigv4');
const present = existsSync(suiteDir);
if (!present) console.log(`aws-sigv4 spec stage skipped: ${suiteDir} not found`);

interface Context {
  credentials: { access_key_id: string; secret_access_key: string; token?: string };
  expiration_in_seconds: number;
  normalize: boolean;
  region: string;
  service: string;
  sign_body: boolean;
  timestamp: string;
  omit_session_token?: boolean;
}

interface ParsedRequest {
  method: string;
  path: string;
  query: string;
  headers: Record<string, string[]>;
  body: string;
}

/** Parses `request.txt`: request line, headers (folded continuation lines kept), blank line, body. */
function parseRequest(text: string): ParsedRequest {
  const split = text.indexOf('\n\n');
  const head = split < 0 ? text : text.slice(0, split);
  const body = split < 0 ? '' : text.slice(split + 2);
  const [requestLine = '', ...lines] = head.split('\n');
  const first = requestLine.indexOf(' ');
  const last = requestLine.lastIndexOf(' ');
  const method = requestLine.slice(0, first);
  const target = requestLine.slice(first + 1, last);
  const q = target.indexOf('?');
  const headers: Record<string, string[]> = {};
  let current: string[] | undefined;
  for (const line of lines) {
    if (line === '') continue;
    if (/^\s/.test(line) && current) {
      current[current.length - 1] += ` ${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).toLowerCase();
    headers[name] ??= [];
    current = headers[name];
    current.push(line.slice(colon + 1));
  }
  return {
    method,
    path: q < 0 ? target : target.slice(0, q),
    query: q < 0 ? '' : target.slice(q + 1),
    headers,
    body,
  };
}

const cases = present
  ? readdirSync(suiteDir, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
  : [];

describe.skipIf(!present)('SigV4 known-answer suite (aws-c-auth v4)', () => {
  it('has the cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
  });

  for (const name of cases) {
    const read = (file: string) => readFileSync(join(suiteDir, name, file), 'utf8');
    describe(name, () => {
      const context = JSON.parse(read('context.json')) as Context;
      const request = parseRequest(read('request.txt'));
      const scope = {
        credentials: {
          accessKeyId: context.credentials.access_key_id,
          secretAccessKey: context.credentials.secret_access_key,
          sessionToken: context.credentials.token,
        },
        region: context.region,
        service: context.service,
        date: new Date(context.timestamp),
      };
      const signSessionToken = context.omit_session_token !== true;

      it('header form: canonical request, string to sign, signature, Authorization', () => {
        const signed = signRequest(request, scope, {
          body: request.body,
          contentSha256Header: context.sign_body,
          normalizePath: context.normalize,
          signSessionToken,
        });
        expect(signed.canonicalRequest).toBe(read('header-canonical-request.txt'));
        expect(signed.stringToSign).toBe(read('header-string-to-sign.txt'));
        expect(signed.signature).toBe(read('header-signature.txt').trim());
        const authorization = /^Authorization:(.*)$/m.exec(read('header-signed-request.txt'))?.[1];
        expect(signed.headers.authorization).toBe(authorization);
      });

      it('query form: presigned canonical request, string to sign, signature', () => {
        const presigned = presignRequest(request, scope, {
          expiresIn: context.expiration_in_seconds,
          normalizePath: context.normalize,
          signSessionToken,
          // Unsigned-body cases hash the empty body; the suite's service is not S3 (no UNSIGNED-PAYLOAD).
          payloadHash: sha256Hex(context.sign_body ? request.body : ''),
        });
        expect(presigned.canonicalRequest).toBe(read('query-canonical-request.txt'));
        expect(presigned.stringToSign).toBe(read('query-string-to-sign.txt'));
        expect(presigned.signature).toBe(read('query-signature.txt').trim());
      });
    });
  }
});
