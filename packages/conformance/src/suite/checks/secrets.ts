/**
 * Secrets: the API key (and a wrong one) never shows in what a user or an operator can observe — errors
 * (message, stack, String, JSON, `util.inspect`, the cause chain), `util.inspect` and JSON of the client,
 * its stats and ledger records, the messages on the core's diagnostics channels — and never travels in a
 * URL (Gemini's `?key=`): the emulator's request log must not show it in any path or query.
 *
 * The check drives a success, every error case of the protocol, errors whose bodies echo the key (as some
 * services and proxies do), a stream with an in-band error that echoes it, and a client with a wrong key.
 */
import { randomBytes } from 'node:crypto';
import diagnosticsChannel from 'node:diagnostics_channel';
import { inspect } from 'node:util';
import { AccelerateError, type BackendControl, DIAGNOSTIC_CHANNELS } from '@ipfs-accelerate/core';
import type { Fault } from '../../emulator/types.js';
import { ConformanceFailure, drain, expectTrue, settle } from '../assert.js';
import type { Check, CheckContext, ConformanceSubject } from '../types.js';

/** Shortest key the check accepts: a shorter one could match innocent text and fail the check falsely. */
const MIN_KEY_LENGTH = 16;
const INSPECT = { depth: 10 } as const;
const CAUSE_DEPTH = 8;

/** Everything observed during the check, by where it was seen. */
class Observed {
  readonly #texts: Array<{ where: string; text: string }> = [];
  events = 0;

  add(where: string, produce: () => unknown): void {
    let text: string;
    try {
      const value = produce();
      text = typeof value === 'string' ? value : String(value);
    } catch (error) {
      // Printing must not throw either; what it threw is observable too.
      text = `(threw) ${inspect(error, INSPECT)}`;
    }
    this.#texts.push({ where, text });
  }

  /** An error with its whole cause chain, in every form a log line or a JSON API would take. */
  error(where: string, error: unknown): void {
    this.add(`${where}: util.inspect(error)`, () => inspect(error, INSPECT));
    this.add(`${where}: String(error)`, () => String(error));
    this.add(`${where}: JSON.stringify(error)`, () => JSON.stringify(error));
    let current: unknown = error;
    const seen = new Set<unknown>();
    for (let depth = 0; depth < CAUSE_DEPTH && typeof current === 'object' && current !== null; depth++) {
      if (seen.has(current)) break;
      seen.add(current);
      const level = depth === 0 ? 'error' : `error${'.cause'.repeat(depth)}`;
      const e = current as { message?: unknown; stack?: unknown; cause?: unknown; errors?: unknown };
      this.add(`${where}: ${level}.message`, () => e.message);
      this.add(`${where}: ${level}.stack`, () => e.stack);
      if (depth > 0) {
        this.add(`${where}: String(${level})`, () => String(current));
        this.add(`${where}: JSON.stringify(${level})`, () => JSON.stringify(current));
      }
      if (Array.isArray(e.errors)) {
        for (const [i, inner] of e.errors.slice(0, 8).entries())
          this.add(`${where}: ${level}.errors[${i}]`, () => inspect(inner, INSPECT));
      }
      current = typeof e.cause === 'string' ? undefined : e.cause;
      if (typeof e.cause === 'string') this.add(`${where}: ${level}.cause`, () => e.cause);
    }
  }

  /** Where any of `secrets` (or its URL-encoded form) shows, with a short excerpt (the secret masked). */
  leaks(secrets: readonly string[]): string[] {
    const needles = [...new Set(secrets.flatMap((s) => [s, encodeURIComponent(s)]))];
    const found: string[] = [];
    for (const { where, text } of this.#texts) {
      const needle = needles.find((n) => text.includes(n));
      if (needle === undefined) continue;
      const at = text.indexOf(needle);
      const excerpt = mask(text.slice(Math.max(0, at - 60), at + needle.length + 40), secrets);
      found.push(`${where} (…${JSON.stringify(excerpt)}…)`);
    }
    return found;
  }
}

/** `text` with every secret replaced by «key», for failure messages. */
function mask(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets)
    out = out.replaceAll(secret, '«key»').replaceAll(encodeURIComponent(secret), '«key»');
  return out;
}

/** Records every message published on the core's diagnostics channels until the returned function runs. */
function listenToDiagnostics(observed: Observed): () => void {
  const names = Object.values(DIAGNOSTIC_CHANNELS);
  const listener = (message: unknown, name: string | symbol): void => {
    observed.events++;
    // Printed now: the messages carry live records the pipeline goes on updating.
    observed.add(`diagnostics ${String(name)}`, () => inspect(message, INSPECT));
  };
  for (const name of names) diagnosticsChannel.subscribe(name, listener);
  return () => {
    for (const name of names) diagnosticsChannel.unsubscribe(name, listener);
  };
}

/** Lets every case start from a clean lane: no open breaker, no cooldown from an earlier retry hint. */
function freshLanes(client: BackendControl): void {
  for (const lane of client.lanes()) {
    lane.breaker.reset();
    lane.queue.resume();
  }
}

/** Faults whose error bodies (or in-band stream errors) carry the key, as echoing services do. */
function echoFaults(key: string): Array<Extract<Fault, { status: number }>> {
  return [
    { kind: 'error', status: 401, message: `Incorrect API key provided: ${key}` },
    { kind: 'error', status: 500, message: `upstream rejected credential ${key}` },
    { kind: 'status', status: 400, body: `bad request for key=${key}` },
    { kind: 'status', status: 502, body: { error: { message: `gateway saw Bearer ${key}`, key } } },
  ];
}

interface Clients {
  right: BackendControl;
  wrong: BackendControl;
}

async function expectRejection(
  observed: Observed,
  where: string,
  promise: Promise<unknown>,
  secrets: readonly string[],
): Promise<void> {
  const { error } = await settle(promise);
  if (error === undefined) throw new ConformanceFailure(`${where}: expected an error, but it succeeded`);
  observed.error(where, error);
  if (!AccelerateError.isInstance(error)) {
    throw new ConformanceFailure(
      `${where}: expected a typed error, got ${mask(String(error), secrets).slice(0, 200)}`,
    );
  }
}

async function driveCalls(
  context: CheckContext,
  clients: Clients,
  observed: Observed,
  secrets: readonly string[],
): Promise<void> {
  const { subject, emulator, apiKey } = context;
  const { right, wrong } = clients;
  const ok = await settle(subject.call(right, 'secrets-ok'));
  if (ok.error !== undefined) {
    observed.error('the successful call', ok.error);
    throw new ConformanceFailure(
      `the call with the right key failed: ${mask(String(ok.error), secrets).slice(0, 200)}`,
    );
  }
  const cases = [
    ...subject.errorCases.map((c) => ({ name: c.name, fault: c.fault })),
    ...echoFaults(apiKey).map((fault) => ({ name: `an error echoing the key (${fault.status})`, fault })),
  ];
  for (const [i, errorCase] of cases.entries()) {
    freshLanes(right);
    emulator.script(subject.callRoute, [errorCase.fault]);
    await expectRejection(observed, errorCase.name, subject.call(right, `secrets-error-${i}`), secrets);
  }
  freshLanes(right);
  await wrongKeyCall(
    subject,
    observed,
    'a call with a wrong key',
    subject.call(wrong, 'secrets-wrong'),
    secrets,
  );
}

/** A request with the wrong key: refused where the emulator checks keys, observed either way. */
async function wrongKeyCall(
  subject: ConformanceSubject,
  observed: Observed,
  where: string,
  promise: Promise<unknown>,
  secrets: readonly string[],
): Promise<void> {
  if (subject.usesApiKey) return expectRejection(observed, where, promise, secrets);
  const { error } = await settle(promise);
  if (error !== undefined) observed.error(where, error);
}

async function driveStreams(
  context: CheckContext,
  clients: Clients,
  observed: Observed,
  secrets: readonly string[],
): Promise<void> {
  const { subject, emulator, apiKey } = context;
  const { stream, streamRoute } = subject;
  if (stream === undefined || streamRoute === undefined) return;
  const { right, wrong } = clients;
  freshLanes(right);
  const ok = await settle(drain(stream(right, 'secrets-stream-ok')));
  if (ok.error !== undefined) {
    observed.error('the successful stream', ok.error);
    throw new ConformanceFailure(
      `the stream with the right key failed: ${mask(String(ok.error), secrets).slice(0, 200)}`,
    );
  }
  // After output began, an in-band error that names the key; then an error status that echoes it.
  freshLanes(right);
  emulator.script(streamRoute, [
    { kind: 'stream-error', afterEvents: 1, message: `stream aborted for key ${apiKey}` },
  ]);
  const inBand = await settle(drain(stream(right, 'secrets-stream-error')));
  if (inBand.error !== undefined) observed.error('a stream with an in-band error', inBand.error);
  freshLanes(right);
  emulator.script(streamRoute, [
    { kind: 'error', status: 401, message: `Incorrect API key provided: ${apiKey}` },
  ]);
  await expectRejection(
    observed,
    'a stream refused with an error echoing the key',
    drain(stream(right, 'secrets-stream-401')),
    secrets,
  );
  await wrongKeyCall(
    subject,
    observed,
    'a stream with a wrong key',
    drain(stream(wrong, 'secrets-stream-wrong')),
    secrets,
  );
}

/** What the clients show of themselves after all of it. */
function observeClients(clients: Clients, observed: Observed): void {
  for (const [name, client] of Object.entries(clients)) {
    const label = name === 'right' ? 'the client' : 'the wrong-key client';
    observed.add(`util.inspect(${label})`, () => inspect(client, INSPECT));
    observed.add(`JSON.stringify(${label})`, () => JSON.stringify(client));
    observed.add(`${label}.stats()`, () => JSON.stringify(client.stats()));
    observed.add(`${label}.endpoints()`, () => JSON.stringify(client.endpoints()));
    observed.add(`${label}.recentRequests()`, () => JSON.stringify(client.recentRequests()));
    observed.add(`util.inspect(${label}.recentRequests())`, () => inspect(client.recentRequests(), INSPECT));
  }
}

/** The request targets the emulator received: the key must travel in a header, never in a URL. */
function observeUrls(context: CheckContext, observed: Observed): number {
  const { requests } = context.emulator;
  for (const request of requests) {
    const query = request.query.toString();
    const url = query === '' ? request.path : `${request.path}?${query}`;
    observed.add(`the URL of request ${request.index} (${request.method})`, () => url);
    // Decoded as well, in case the key was sent percent-encoded.
    observed.add(`the decoded URL of request ${request.index}`, () => {
      try {
        return `${decodeURIComponent(request.path)} ${[...request.query.entries()].flat().join(' ')}`;
      } catch {
        return request.path;
      }
    });
  }
  return requests.length;
}

async function runSecretsCheck(context: CheckContext): Promise<void> {
  const { emulator, apiKey } = context;
  expectTrue(
    apiKey.length >= MIN_KEY_LENGTH,
    `the suite's key must have at least ${MIN_KEY_LENGTH} characters to be searched for`,
  );
  const wrongKey = `sk-wrong-${randomBytes(12).toString('hex')}`;
  const secrets = [apiKey, wrongKey];
  const observed = new Observed();
  const stopListening = listenToDiagnostics(observed);
  try {
    const clients: Clients = {
      right: context.client({ retry: { maxRetries: 0 } }),
      wrong: context.client({
        endpoints: [{ id: 'wrong', baseURL: emulator.baseURL, apiKey: wrongKey }],
        retry: { maxRetries: 0 },
      }),
    };
    await driveCalls(context, clients, observed, secrets);
    await driveStreams(context, clients, observed, secrets);
    observeClients(clients, observed);
  } finally {
    stopListening();
  }
  const requests = observeUrls(context, observed);
  expectTrue(requests > 0, 'the emulator logged the requests');
  expectTrue(observed.events > 0, 'the client published diagnostics events');
  const leaks = observed.leaks(secrets);
  if (leaks.length > 0) {
    throw new ConformanceFailure(
      `the key shows in ${leaks.length} place(s): ${leaks.slice(0, 4).join('; ')}${leaks.length > 4 ? '; …' : ''}`,
    );
  }
}

/**
 * The secrets check. It applies to every backend: where the protocol's key is optional (Ollama, OVMS, OPEA behind
 * a gateway) the client still sends the one it is given, and it must not show anywhere either.
 */
export const secretChecks: Check[] = [
  {
    group: 'errors',
    name: 'the key never shows in errors, stats, records, diagnostics events or URLs',
    run: runSecretsCheck,
  },
];
