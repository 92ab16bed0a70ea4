import type { EmulatorRequest, Reply } from '../emulator/types.js';
import { geminiErrorReply } from './gemini-errors.js';
import {
  countWords,
  type GeminiEmulatorState,
  isObject,
  type JsonObject,
  jsonReply,
  nextResponseId,
  planText,
  streamReply,
  usageMetadata,
} from './gemini-shapes.js';
import {
  bodyObject,
  checkContents,
  checkGenerateBody,
  checkModel,
  field,
  invalidReply,
} from './gemini-validate.js';

/** Everything the emulated model reads from a request. */
interface Prompt {
  readonly promptTokens: number;
  /** The text of the last turn when it is the user's (or the JSON of its function result). */
  readonly lastUserText: string;
  readonly body: JsonObject;
}

function textsOf(parts: unknown): string[] {
  if (!Array.isArray(parts)) return [];
  return parts.flatMap((part) => (isObject(part) && typeof part.text === 'string' ? [part.text] : []));
}

function promptOf(body: JsonObject, contents: readonly JsonObject[]): Prompt {
  const system = field(body, 'systemInstruction');
  const words = [
    ...(isObject(system) ? textsOf(system.parts) : []),
    ...contents.flatMap((c) => textsOf(c.parts)),
  ]
    .map(countWords)
    .reduce((sum, n) => sum + n, 0);
  const last = contents.at(-1);
  let lastUserText = '';
  if (last && last.role !== 'model') {
    lastUserText = textsOf(last.parts).join('\n');
    const result = Array.isArray(last.parts)
      ? last.parts
          .map((p: unknown) => (isObject(p) ? field(p, 'functionResponse') : undefined))
          .find(isObject)
      : undefined;
    if (lastUserText === '' && result) lastUserText = JSON.stringify(result.response ?? {});
  }
  return { promptTokens: Math.max(1, words), lastUserText, body };
}

/** The function the model calls: the first declared (or the first allowed) when the user's text says "tool". */
function chosenFunction(prompt: Prompt): string | undefined {
  if (!/\btool\b/i.test(prompt.lastUserText)) return undefined;
  const config = field(prompt.body, 'toolConfig');
  const calling = isObject(config) ? field(config, 'functionCallingConfig') : undefined;
  const mode = isObject(calling) ? calling.mode : undefined;
  if (mode === 'NONE') return undefined;
  const allowed = isObject(calling) ? field(calling, 'allowedFunctionNames') : undefined;
  if (Array.isArray(allowed) && typeof allowed[0] === 'string') return allowed[0];
  const tools = field(prompt.body, 'tools');
  for (const tool of Array.isArray(tools) ? tools : []) {
    const declarations = isObject(tool) ? field(tool, 'functionDeclarations') : undefined;
    const first: unknown = Array.isArray(declarations) ? declarations[0] : undefined;
    if (isObject(first) && typeof first.name === 'string') return first.name;
  }
  return undefined;
}

/** One GenerateContentResponse, in the real API's key order. */
function response(
  model: string,
  responseId: string,
  candidate: Record<string, unknown> | undefined,
  usage: Record<string, unknown>,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (candidate) out.candidates = [candidate];
  Object.assign(out, extra, { usageMetadata: usage, modelVersion: model, responseId });
  return out;
}

function candidate(parts: unknown[] | undefined, finishReason?: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (parts) out.content = { parts, role: 'model' };
  if (finishReason) out.finishReason = finishReason;
  out.index = 0;
  return out;
}

const BLOCKED_RATINGS = [
  { category: 'HARM_CATEGORY_SEXUALLY_EXPLICIT', probability: 'NEGLIGIBLE' },
  { category: 'HARM_CATEGORY_HATE_SPEECH', probability: 'NEGLIGIBLE' },
  { category: 'HARM_CATEGORY_HARASSMENT', probability: 'NEGLIGIBLE' },
  { category: 'HARM_CATEGORY_DANGEROUS_CONTENT', probability: 'HIGH', blocked: true },
];

/**
 * `:generateContent` and `:streamGenerateContent` (`alt=sse`: SSE; otherwise a JSON array). The model answers
 * `Echo: <last user text>` (`{"echo": …}` with `responseMimeType: application/json`), cut to `maxOutputTokens`
 * words (finishReason MAX_TOKENS); it calls the first declared function when the user's text says "tool"
 * (unless `toolConfig` says NONE); "unsafe" in the text stops the candidate with SAFETY and no content;
 * "block prompt" blocks the prompt (`promptFeedback.blockReason: SAFETY`, no candidates). Streams send one
 * chunk per word; the last carries finishReason and the full usage.
 */
export function generateHandler(
  request: EmulatorRequest,
  state: GeminiEmulatorState,
  model: string,
  stream: boolean,
): Reply {
  const parsed = bodyObject(request);
  if (!parsed.ok) return parsed.reply;
  const known = checkModel(state, request, model, stream ? 'streamGenerateContent' : 'generateContent');
  if (!known.ok) return known.reply;
  const checked = checkGenerateBody(parsed.value);
  if (!checked.ok) return checked.reply;
  const contents = field(checked.value, 'contents') as readonly JsonObject[];
  const prompt = promptOf(checked.value, contents);
  const id = nextResponseId(state);
  const sse = request.query.get('alt') === 'sse';
  const promptUsage = usageMetadata(prompt.promptTokens);
  const reply = (chunks: readonly unknown[], final: Record<string, unknown>): Reply =>
    stream ? streamReply(chunks, final, sse) : jsonReply(200, final);

  if (/\bblock prompt\b/i.test(prompt.lastUserText)) {
    return reply(
      [],
      response(model, id, undefined, promptUsage, {
        promptFeedback: { blockReason: 'SAFETY', safetyRatings: BLOCKED_RATINGS },
      }),
    );
  }
  if (/\bunsafe\b/i.test(prompt.lastUserText)) {
    const blocked = { ...candidate(undefined, 'SAFETY'), safetyRatings: BLOCKED_RATINGS };
    return reply([], response(model, id, blocked, usageMetadata(prompt.promptTokens, 0)));
  }
  const fn = chosenFunction(prompt);
  if (fn !== undefined) {
    const parts = [{ functionCall: { name: fn, args: {} } }];
    return reply([], response(model, id, candidate(parts, 'STOP'), usageMetadata(prompt.promptTokens, 1)));
  }
  const config = field(checked.value, 'generationConfig');
  const json = isObject(config) && field(config, 'responseMimeType') === 'application/json';
  const full = json ? JSON.stringify({ echo: prompt.lastUserText }) : `Echo: ${prompt.lastUserText}`;
  const max = isObject(config) ? field(config, 'maxOutputTokens') : undefined;
  const plan = planText(full, typeof max === 'number' ? max : undefined);
  const usage = usageMetadata(prompt.promptTokens, plan.tokens);
  if (!stream)
    return reply([], response(model, id, candidate([{ text: plan.text }], plan.finishReason), usage));
  const pieces = plan.pieces.length > 0 ? plan.pieces : [''];
  const chunks = pieces
    .slice(0, -1)
    .map((piece) => response(model, id, candidate([{ text: piece }]), promptUsage));
  const last = candidate([{ text: pieces.at(-1) ?? '' }], plan.finishReason);
  return reply(chunks, response(model, id, last, usage));
}

/** `:countTokens` with `{contents}` or `{generateContentRequest}` (not both): words are tokens. */
export function countTokensHandler(
  request: EmulatorRequest,
  state: GeminiEmulatorState,
  model: string,
): Reply {
  const parsed = bodyObject(request);
  if (!parsed.ok) return parsed.reply;
  const known = checkModel(state, request, model, 'countTokens');
  if (!known.ok) return known.reply;
  const body = parsed.value;
  for (const key of Object.keys(body)) {
    if (!['contents', 'generateContentRequest', 'generate_content_request'].includes(key)) {
      return invalidReply(`Invalid JSON payload received. Unknown name "${key}": Cannot find field.`);
    }
  }
  const contents = field(body, 'contents');
  const inner = field(body, 'generateContentRequest');
  if (contents !== undefined && inner !== undefined) {
    return geminiErrorReply(400, { message: 'contents and generate_content_request cannot both be set.' });
  }
  let prompt: Prompt;
  if (inner !== undefined) {
    if (!isObject(inner))
      return invalidReply("Invalid value at 'generate_content_request': expected an object");
    const checked = checkGenerateBody(inner, 'CountTokensRequest.generate_content_request');
    if (!checked.ok) return checked.reply;
    prompt = promptOf(inner, field(inner, 'contents') as readonly JsonObject[]);
  } else {
    const checked = checkContents(contents, 'CountTokensRequest');
    if (!checked.ok) return checked.reply;
    prompt = promptOf(body, checked.value);
  }
  return jsonReply(200, {
    totalTokens: prompt.promptTokens,
    promptTokensDetails: [{ modality: 'TEXT', tokenCount: prompt.promptTokens }],
  });
}
