import type { EmulatorRequest, JsonReply } from '../emulator/types.js';
import { geminiErrorReply, notFoundMessage } from './gemini-errors.js';
import { type GeminiEmulatorState, isObject, type JsonObject, methodsOf } from './gemini-shapes.js';

/** A refused request: the 400/404 reply the real API would give. */
export interface Rejected {
  ok: false;
  reply: JsonReply;
}

/** A checked value, or its rejection. */
export type Checked<T> = { ok: true; value: T } | Rejected;

const GENERATE_FIELDS = [
  'model',
  'contents',
  'systemInstruction',
  'tools',
  'toolConfig',
  'safetySettings',
  'generationConfig',
  'cachedContent',
];
const GENERATION_CONFIG_FIELDS = [
  'stopSequences',
  'responseMimeType',
  'responseSchema',
  'responseJsonSchema',
  'responseModalities',
  'candidateCount',
  'maxOutputTokens',
  'temperature',
  'topP',
  'topK',
  'seed',
  'presencePenalty',
  'frequencyPenalty',
  'responseLogprobs',
  'logprobs',
  'enableEnhancedCivicAnswers',
  'speechConfig',
  'thinkingConfig',
  'imageConfig',
  'mediaResolution',
];
const CONTENT_FIELDS = ['role', 'parts'];
const DATA_FIELDS = [
  'text',
  'inlineData',
  'fileData',
  'functionCall',
  'functionResponse',
  'executableCode',
  'codeExecutionResult',
];
const PART_FIELDS = [...DATA_FIELDS, 'thought', 'thoughtSignature', 'videoMetadata', 'partMetadata'];
const FUNCTION_NAME = /^[a-zA-Z_][a-zA-Z0-9_.-]{0,63}$/;

/** A 400 INVALID_ARGUMENT reply with Google's field-violation text (`* Request.field: problem\n`). */
export function invalidReply(message: string): JsonReply {
  return geminiErrorReply(400, { message });
}

/** {@link invalidReply} as a failed check. */
export function invalid(message: string): Rejected {
  return { ok: false, reply: invalidReply(message) };
}

/** Proto JSON accepts both `lowerCamel` and `snake_case` names; we compare camelCase. */
function camel(name: string): string {
  return name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** A field of a proto message in either spelling. */
export function field(object: JsonObject, name: string): unknown {
  if (object[name] !== undefined) return object[name];
  return object[name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)];
}

/** Google's proto-JSON parser refuses unknown field names. */
export function unknownField(
  object: JsonObject,
  known: readonly string[],
  where: string,
): Rejected | undefined {
  for (const key of Object.keys(object)) {
    if (!known.includes(camel(key))) {
      const at = where ? ` at '${where}'` : '';
      return invalid(`Invalid JSON payload received. Unknown name "${key}"${at}: Cannot find field.`);
    }
  }
  return undefined;
}

/** The request body as an object: an empty body is `{}`, unparseable JSON is Google's 400. */
export function bodyObject(request: EmulatorRequest): Checked<JsonObject> {
  if (request.body.length === 0) return { ok: true, value: {} };
  let json = request.json;
  if (json === undefined) {
    // Google parses the body as JSON whatever the content type says.
    try {
      json = JSON.parse(request.body.toString('utf8'));
    } catch {
      return invalid('Invalid JSON payload received. Unexpected token.');
    }
  }
  if (!isObject(json)) return invalid('Invalid JSON payload received. Expected an object.');
  return { ok: true, value: json };
}

/** A model of this emulator that supports `method`, else Google's 404 for it. */
export function checkModel(
  state: GeminiEmulatorState,
  request: EmulatorRequest,
  id: string,
  method: string,
): Checked<string> {
  if (state.models.includes(id) && methodsOf(id).includes(method)) return { ok: true, value: id };
  return {
    ok: false,
    reply: geminiErrorReply(404, { message: notFoundMessage(`models/${id}`, method, request) }),
  };
}

function checkPart(part: unknown, where: string): Rejected | undefined {
  if (!isObject(part)) return invalid(`* ${where}: must be an object\n`);
  const unknown = unknownField(part, PART_FIELDS, where);
  if (unknown) return unknown;
  const data = DATA_FIELDS.filter((name) => field(part, name) !== undefined);
  if (data.length !== 1) {
    return invalid(`* ${where}.data: required oneof field 'data' must have one initialized field\n`);
  }
  const inline = field(part, 'inlineData');
  if (inline !== undefined) {
    if (!isObject(inline) || typeof field(inline, 'mimeType') !== 'string') {
      return invalid(`* ${where}.inline_data.mime_type: mime_type is not specified\n`);
    }
    const bytes = field(inline, 'data');
    if (typeof bytes !== 'string' || !/^[A-Za-z0-9+/_-]*={0,2}$/.test(bytes)) {
      return invalid(`Invalid value at '${where}.inline_data.data' (TYPE_BYTES), Base64 decoding failed`);
    }
  }
  for (const name of ['functionCall', 'functionResponse']) {
    const call = field(part, name);
    if (call !== undefined && (!isObject(call) || typeof call.name !== 'string' || call.name === '')) {
      return invalid(`* ${where}.${name}.name: Name cannot be empty.\n`);
    }
  }
  return undefined;
}

/** `contents`: a non-empty list of turns with roles `user`/`model` and non-empty parts. */
export function checkContents(contents: unknown, where: string): Checked<readonly JsonObject[]> {
  if (contents === undefined || (Array.isArray(contents) && contents.length === 0)) {
    return invalid(`* ${where}.contents: contents is not specified\n`);
  }
  if (!Array.isArray(contents)) return invalid(`Invalid value at '${where}.contents': expected a list`);
  for (const [i, content] of contents.entries()) {
    const at = `${where}.contents[${i}]`;
    if (!isObject(content)) return invalid(`* ${at}: must be an object\n`);
    const unknown = unknownField(content, CONTENT_FIELDS, at);
    if (unknown) return unknown;
    if (content.role !== undefined && content.role !== 'user' && content.role !== 'model') {
      return invalid('Please use a valid role: user, model.');
    }
    const parts = content.parts;
    if (!Array.isArray(parts) || parts.length === 0) {
      return invalid(`* ${at}.parts: contents.parts must not be empty.\n`);
    }
    for (const [j, part] of parts.entries()) {
      const bad = checkPart(part, `${at}.parts[${j}]`);
      if (bad) return bad;
    }
  }
  return { ok: true, value: contents as JsonObject[] };
}

function checkGenerationConfig(config: unknown, where: string): Rejected | undefined {
  if (config === undefined) return undefined;
  if (!isObject(config)) return invalid(`Invalid value at '${where}.generation_config': expected an object`);
  const unknown = unknownField(config, GENERATION_CONFIG_FIELDS, 'generation_config');
  if (unknown) return unknown;
  const temperature = field(config, 'temperature');
  if (temperature !== undefined && (typeof temperature !== 'number' || temperature < 0 || temperature > 2)) {
    return invalid(
      `Unable to submit request because it has a temperature value of ${String(temperature)} but the supported range is from 0 (inclusive) to 2.0001 (exclusive). Update the value and try again.`,
    );
  }
  const topP = field(config, 'topP');
  if (topP !== undefined && (typeof topP !== 'number' || topP < 0 || topP > 1)) {
    return invalid(`* ${where}.generation_config.top_p: must be in the range [0, 1]\n`);
  }
  const max = field(config, 'maxOutputTokens');
  if (max !== undefined && (!Number.isInteger(max) || (max as number) < 0)) {
    return invalid(`* ${where}.generation_config.max_output_tokens: must be a non-negative integer\n`);
  }
  return undefined;
}

function checkTools(tools: unknown, where: string): Rejected | undefined {
  if (tools === undefined) return undefined;
  if (!Array.isArray(tools)) return invalid(`Invalid value at '${where}.tools': expected a list`);
  for (const [i, tool] of tools.entries()) {
    if (!isObject(tool)) return invalid(`* ${where}.tools[${i}]: must be an object\n`);
    const declarations = field(tool, 'functionDeclarations') ?? [];
    if (!Array.isArray(declarations)) {
      return invalid(`Invalid value at '${where}.tools[${i}].function_declarations': expected a list`);
    }
    for (const [j, declaration] of declarations.entries()) {
      const at = `${where}.tools[${i}].function_declarations[${j}]`;
      const name = isObject(declaration) ? declaration.name : undefined;
      if (typeof name !== 'string' || !FUNCTION_NAME.test(name)) {
        return invalid(
          `* ${at}.name: Invalid function name. Must start with a letter or an underscore. Must be alphameric (a-z, A-Z, 0-9), underscores (_), dots (.) or dashes (-), with a maximum length of 64.\n`,
        );
      }
      const parameters = isObject(declaration) ? declaration.parameters : undefined;
      if (isObject(parameters) && String(parameters.type).toUpperCase() === 'OBJECT') {
        const properties = parameters.properties;
        if (!isObject(properties) || Object.keys(properties).length === 0) {
          return invalid(`* ${at}.parameters.properties: should be non-empty for OBJECT type\n`);
        }
      }
    }
  }
  return undefined;
}

/** A GenerateContentRequest, checked as the real API does (field names, contents, config ranges, tools). */
export function checkGenerateBody(body: JsonObject, where = 'GenerateContentRequest'): Checked<JsonObject> {
  const bad =
    unknownField(body, GENERATE_FIELDS, '') ??
    checkGenerationConfig(field(body, 'generationConfig'), where) ??
    checkTools(field(body, 'tools'), where);
  if (bad) return bad;
  const system = field(body, 'systemInstruction');
  if (system !== undefined) {
    const parts = isObject(system) ? system.parts : undefined;
    if (!Array.isArray(parts) || parts.length === 0) {
      return invalid(`* ${where}.system_instruction.parts: contents.parts must not be empty.\n`);
    }
    for (const [j, part] of parts.entries()) {
      const badPart = checkPart(part, `${where}.system_instruction.parts[${j}]`);
      if (badPart) return badPart;
    }
  }
  const contents = checkContents(field(body, 'contents'), where);
  return contents.ok ? { ok: true, value: body } : contents;
}
