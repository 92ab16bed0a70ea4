/**
 * The common ChatRequest -> the body of `:generateContent` / `:streamGenerateContent`: contents and
 * systemInstruction, `generationConfig` from the sampling fields, `tools` as function declarations,
 * `toolConfig` from `toolChoice`, and `providerOptions` merged underneath (safetySettings, thinkingConfig, …).
 */
import { type ChatRequest, isPlainObject, type ToolDefinition } from '@ipfs-accelerate/core';
import { convertToGeminiContents } from './convert-to-gemini-contents.js';
import type {
  GeminiFunctionDeclaration,
  GeminiGenerateContentBody,
  GeminiGenerationConfig,
} from './gemini-api-types.js';
import { parseGeminiModel } from './gemini-model-path.js';
import { check } from './gemini-validate.js';

/** A function declaration; an object schema without properties is left out (Gemini refuses an empty OBJECT). */
function declarationOf(tool: ToolDefinition, i: number): GeminiFunctionDeclaration {
  check.object(tool, `tools[${i}]`);
  if (typeof tool.name !== 'string' || tool.name === '') {
    throw check.invalid(`tools[${i}].name must be a non-empty string`);
  }
  if (tool.description !== undefined && typeof tool.description !== 'string') {
    throw check.invalid(`tools[${i}].description must be a string`);
  }
  check.object(tool.parameters, `tools[${i}].parameters`);
  const declaration: GeminiFunctionDeclaration = { name: tool.name };
  if (tool.description !== undefined) declaration.description = tool.description;
  const { properties } = tool.parameters;
  const empty =
    tool.parameters.type === 'object' && (!isPlainObject(properties) || Object.keys(properties).length === 0);
  if (!empty) declaration.parameters = tool.parameters;
  return declaration;
}

function functionCallingConfig(choice: ChatRequest['toolChoice']): Record<string, unknown> | undefined {
  if (choice === undefined) return undefined;
  if (choice === 'auto') return { mode: 'AUTO' };
  if (choice === 'none') return { mode: 'NONE' };
  if (choice === 'required') return { mode: 'ANY' };
  if (isPlainObject(choice) && typeof choice.name === 'string' && choice.name !== '') {
    return { mode: 'ANY', allowedFunctionNames: [choice.name] };
  }
  throw check.invalid("toolChoice must be 'auto', 'none', 'required' or { name }");
}

function responseFormatConfig(format: ChatRequest['responseFormat']): GeminiGenerationConfig {
  if (format === undefined || format === 'text') return {};
  if (format === 'json') return { responseMimeType: 'application/json' };
  if (isPlainObject(format) && format.type === 'json-schema') {
    check.object(format.schema, 'responseFormat.schema');
    return { responseMimeType: 'application/json', responseSchema: format.schema };
  }
  throw check.invalid("responseFormat must be 'text', 'json' or { type: 'json-schema', name, schema }");
}

/**
 * Checks a ChatRequest and builds the wire body. `providerOptions` are spread into the body first, and
 * `providerOptions.generationConfig` / `toolConfig` are merged under the typed fields, so the typed fields win;
 * `providerOptions.tools` (e.g. `{ googleSearch: {} }`) are sent before the function declarations.
 */
export function buildGeminiGenerateBody(request: ChatRequest): GeminiGenerateContentBody {
  check.object(request, 'chat request');
  parseGeminiModel(request.model);
  check.optionalObject(request.providerOptions, 'providerOptions');
  const provider = request.providerOptions ?? {};
  check.optionalObject(provider.generationConfig, 'providerOptions.generationConfig');
  check.optionalObject(provider.toolConfig, 'providerOptions.toolConfig');
  if (provider.tools !== undefined && !Array.isArray(provider.tools)) {
    throw check.invalid('providerOptions.tools must be an array');
  }
  check.optionalNumber(request.maxTokens, 'maxTokens', { min: 1, integer: true });
  check.optionalNumber(request.temperature, 'temperature', { min: 0, max: 2 });
  check.optionalNumber(request.topP, 'topP', { min: 0, max: 1 });
  check.optionalNumber(request.topK, 'topK', { min: 1, integer: true });
  check.optionalNumber(request.seed, 'seed', { integer: true });
  check.optionalStrings(request.stop, 'stop');
  const prompt = convertToGeminiContents(request.messages);

  const config: GeminiGenerationConfig = {
    ...(provider.generationConfig as GeminiGenerationConfig | undefined),
    ...responseFormatConfig(request.responseFormat),
  };
  if (request.temperature !== undefined) config.temperature = request.temperature;
  if (request.topP !== undefined) config.topP = request.topP;
  if (request.topK !== undefined) config.topK = request.topK;
  if (request.maxTokens !== undefined) config.maxOutputTokens = request.maxTokens;
  if (request.stop !== undefined) config.stopSequences = [...request.stop];
  if (request.seed !== undefined) config.seed = request.seed;

  const body: GeminiGenerateContentBody = { ...provider, contents: prompt.contents };
  if (prompt.systemInstruction) body.systemInstruction = prompt.systemInstruction;
  else delete body.systemInstruction;
  if (Object.keys(config).length > 0) body.generationConfig = config;
  else delete body.generationConfig;

  if (request.tools !== undefined && !Array.isArray(request.tools)) {
    throw check.invalid('tools must be an array');
  }
  const declarations = (request.tools ?? []).map(declarationOf);
  const tools = [...((provider.tools as Array<Record<string, unknown>> | undefined) ?? [])];
  if (declarations.length > 0) tools.push({ functionDeclarations: declarations });
  if (tools.length > 0) body.tools = tools;
  else delete body.tools;

  const calling = functionCallingConfig(request.toolChoice);
  if (calling !== undefined) {
    const toolConfig = (provider.toolConfig as Record<string, unknown> | undefined) ?? {};
    body.toolConfig = { ...toolConfig, functionCallingConfig: calling };
  }
  return body;
}
