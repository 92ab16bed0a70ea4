/**
 * TGI's native generation, deterministic: the model answers `Echo: <inputs>`, one token per word piece, then
 * `</s>` (special) with finish reason `eos_token`; `max_new_tokens` cuts it (`length`), a stop sequence ends it
 * (`stop_sequence`). `/generate` answers JSON with timing headers, `/generate_stream` data-only SSE whose last
 * event (the reply's terminator, so truncation and stream errors drop it) carries `generated_text` and, when
 * `details` is on, `StreamDetails`. The compat route `POST /` (and the hosted API) takes a `stream` flag.
 */
import type { EmulatorRequest, JsonReply, Reply, StreamReply } from '../emulator/types.js';
import { wordPieces } from './openai-compatible-shapes.js';
import type { JsonObject } from './openai-compatible-validate.js';
import { readGenerateBody, type TgiLimits, validateParameters } from './tgi-validate.js';

/** A TGI `Token`. */
export interface TgiToken {
  readonly id: number;
  readonly text: string;
  readonly logprob: number | null;
  readonly special: boolean;
}

/** The end-of-sequence token the emulated model emits. */
export const TGI_EOS: TgiToken = { id: 2, text: '</s>', logprob: -0.01, special: true };

/** A stable token id of a piece of text (a tokenizer gives the same id to the same text). */
export function tokenId(text: string): number {
  let hash = 7;
  for (let i = 0; i < text.length; i++) hash = (hash * 31 + text.charCodeAt(i)) % 31_991;
  return 3 + hash;
}

/** The prompt's tokens with their character offsets (`/tokenize`). */
export function tokenizeText(inputs: string): { id: number; text: string; start: number; stop: number }[] {
  let start = 0;
  return wordPieces(inputs).map((text) => {
    const offset = inputs.indexOf(text, start);
    start = offset + text.length;
    return { id: tokenId(text), text, start: offset, stop: start };
  });
}

interface GenerationPlan {
  readonly tokens: readonly TgiToken[];
  readonly text: string;
  readonly finishReason: 'length' | 'eos_token' | 'stop_sequence';
  readonly inputLength: number;
  readonly seed: number | null;
}

function plan(inputs: string, p: JsonObject, returnFullText: boolean): GenerationPlan {
  const maxNew = typeof p.max_new_tokens === 'number' ? p.max_new_tokens : 1024;
  const stops = Array.isArray(p.stop) ? (p.stop as string[]) : [];
  const tokens: TgiToken[] = [];
  let text = '';
  let finishReason: GenerationPlan['finishReason'] = 'eos_token';
  for (const piece of wordPieces(`Echo: ${inputs}`)) {
    if (tokens.length >= maxNew) {
      finishReason = 'length';
      break;
    }
    tokens.push({ id: tokenId(piece), text: piece, logprob: -0.5, special: false });
    text += piece;
    if (stops.some((stop) => stop !== '' && text.includes(stop))) {
      finishReason = 'stop_sequence';
      break;
    }
  }
  if (finishReason === 'eos_token') {
    if (tokens.length < maxNew) tokens.push(TGI_EOS);
    else finishReason = 'length';
  }
  const sampling = p.do_sample === true || typeof p.temperature === 'number' || typeof p.top_p === 'number';
  const seed = typeof p.seed === 'number' ? p.seed : sampling ? 42 : null;
  return {
    tokens,
    text: returnFullText ? inputs + text : text,
    finishReason,
    inputLength: wordPieces(inputs).length,
    seed,
  };
}

/** Validates a generate body and plans the answer, or returns the rejection. */
function prepare(
  request: EmulatorRequest,
  limits: TgiLimits,
  stream: boolean,
  defaultFullText: boolean,
): (GenerationPlan & { parameters: JsonObject; inputs: string }) | JsonReply {
  const body = readGenerateBody(request.json);
  if ('kind' in body) return body;
  const { inputs, parameters } = body;
  const invalid = validateParameters(parameters, wordPieces(inputs).length, limits, stream);
  if (invalid) return invalid;
  const fullText =
    typeof parameters.return_full_text === 'boolean' ? parameters.return_full_text : defaultFullText;
  return { ...plan(inputs, parameters, fullText), parameters, inputs };
}

function timingHeaders(p: GenerationPlan, inputs: string): Record<string, string> {
  return {
    'x-compute-type': 'gpu+optimized',
    'x-compute-time': '0.001',
    'x-compute-characters': String(inputs.length),
    'x-total-time': '1',
    'x-validation-time': '0',
    'x-queue-time': '0',
    'x-inference-time': '1',
    'x-time-per-token': '0',
    'x-prompt-tokens': String(p.inputLength),
    'x-generated-tokens': String(p.tokens.length),
  };
}

function generateResponse(p: GenerationPlan & { parameters: JsonObject; inputs: string }): JsonObject {
  const details = p.parameters.details === true || p.parameters.decoder_input_details === true;
  if (!details) return { generated_text: p.text };
  const prefill =
    p.parameters.decoder_input_details === true
      ? tokenizeText(p.inputs).map(({ id, text }, i) => ({ id, text, logprob: i === 0 ? null : -1 }))
      : [];
  return {
    generated_text: p.text,
    details: {
      finish_reason: p.finishReason,
      generated_tokens: p.tokens.length,
      seed: p.seed,
      prefill,
      tokens: p.tokens,
    },
  };
}

/** `POST /generate`. */
export function generateReply(request: EmulatorRequest, limits: TgiLimits): Reply {
  const p = prepare(request, limits, false, false);
  if ('kind' in p) return p;
  return { kind: 'json', status: 200, headers: timingHeaders(p, p.inputs), body: generateResponse(p) };
}

function frame(event: unknown): string {
  return `data:${JSON.stringify(event)}\n\n`;
}

function streamOf(p: GenerationPlan & { parameters: JsonObject }): StreamReply {
  const last = p.tokens.length - 1;
  const event = (token: TgiToken, index: number, final: boolean) => ({
    index: index + 1,
    token,
    generated_text: final ? p.text : null,
    details:
      final && p.parameters.details === true
        ? {
            finish_reason: p.finishReason,
            generated_tokens: p.tokens.length,
            input_length: p.inputLength,
            seed: p.seed,
          }
        : null,
    // `top_tokens` is skipped when empty (`skip_serializing_if = "Vec::is_empty"`).
  });
  const frames = p.tokens.slice(0, last).map((token, i) => frame(event(token, i, false)));
  const finalToken = p.tokens[last] ?? TGI_EOS;
  return {
    kind: 'stream',
    status: 200,
    headers: { 'x-compute-type': 'gpu+optimized', 'x-accel-buffering': 'no' },
    contentType: 'text/event-stream',
    frames,
    terminator: frame(event(finalToken, Math.max(last, 0), true)),
  };
}

/** A stream of one error event after HTTP 200: how `/generate_stream` reports validation failures. */
function streamError(reply: JsonReply): StreamReply {
  return {
    kind: 'stream',
    status: 200,
    contentType: 'text/event-stream',
    frames: [],
    terminator: frame(reply.body),
  };
}

/** `POST /generate_stream`. */
export function generateStreamReply(request: EmulatorRequest, limits: TgiLimits): Reply {
  const p = prepare(request, limits, true, false);
  if (!('kind' in p)) return streamOf(p);
  // axum rejects an undeserialisable body before the handler; TGI's own checks run inside the stream.
  return typeof p.body === 'string' ? p : streamError(p);
}

/**
 * `POST /` and the hosted API's `POST /models/<model>`: the `stream` flag picks SSE or JSON, and JSON answers
 * are wrapped in a list ("to match api-inference"); `return_full_text` defaults to true for text-generation
 * models.
 */
export function compatReply(request: EmulatorRequest, limits: TgiLimits): Reply {
  const stream =
    typeof request.json === 'object' && request.json !== null && (request.json as JsonObject).stream === true;
  const p = prepare(request, limits, stream, true);
  if ('kind' in p) return stream && typeof p.body !== 'string' ? streamError(p) : p;
  if (stream) return streamOf(p);
  return { kind: 'json', status: 200, headers: timingHeaders(p, p.inputs), body: [generateResponse(p)] };
}
