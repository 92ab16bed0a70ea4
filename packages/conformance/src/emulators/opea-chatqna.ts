/**
 * The ChatQnA megaservice route, `POST /v1/chatqna`: `ChatCompletionRequest` validated like pydantic
 * (FastAPI 422), then a deterministic answer, whole (`chat.completion` with ChatQnA's all-zero usage) or
 * streamed the way `align_generator` does it: `data: {repr(piece.encode('utf-8'))}` frames, `[DONE]` last.
 */
import type { EmulatorRequest, Reply } from '../emulator/types.js';
import {
  checkFields,
  type FastAPIIssue,
  fastAPIValidation,
  jsonDecodeError,
  missingField,
  pythonBytesRepr,
  wrongType,
} from './opea-errors.js';
import { isObject } from './openai-compatible-validate.js';

/** How the ChatQnA emulator answers. */
export interface ChatQnAEmulatorOptions {
  /**
   * Cut stream frames inside multi-byte characters (a character's UTF-8 bytes spread over two frames), to
   * prove a client reassembles them. The real megaservice keeps characters whole. @default false
   */
  readonly splitCharacters?: boolean;
}

/** Counters of one emulator. */
export interface ChatQnAState {
  answers: number;
}

/** The `[DONE]` frame. */
export const CHATQNA_DONE_FRAME = 'data: [DONE]\n\n';

const NUMBER_FIELDS = {
  model: 'string',
  max_tokens: 'integer',
  top_k: 'integer',
  top_p: 'number',
  temperature: 'number',
  frequency_penalty: 'number',
  presence_penalty: 'number',
  repetition_penalty: 'number',
  stream: 'boolean',
  chat_template: 'string',
  search_type: 'string',
  k: 'integer',
  fetch_k: 'integer',
  lambda_mult: 'number',
  score_threshold: 'number',
  distance_threshold: 'number',
  top_n: 'integer',
} as const;

/** The question: the text of `messages`, or the last user message of a list (text parts joined). */
export function questionOf(messages: unknown): string | undefined {
  if (typeof messages === 'string') return messages;
  if (!Array.isArray(messages)) return undefined;
  for (let i = messages.length - 1; i >= 0; i--) {
    const message: unknown = messages[i];
    if (!isObject(message) || message.role !== 'user') continue;
    if (typeof message.content === 'string') return message.content;
    if (Array.isArray(message.content)) {
      return message.content
        .map((part: unknown) => (isObject(part) && typeof part.text === 'string' ? part.text : ''))
        .join('');
    }
  }
  return '';
}

function checkMessages(messages: unknown, body: unknown): FastAPIIssue | undefined {
  if (messages === undefined) return missingField('messages', body);
  if (typeof messages === 'string') return undefined;
  if (!Array.isArray(messages) || !messages.every(isObject)) return wrongType('messages', 'string', messages);
  return undefined;
}

/**
 * The deterministic answer: an echo of the question, then a sentence with a typographic apostrophe and a
 * line break, so every stream carries `\n` and `\xe2\x80\x99` escapes.
 */
export function chatQnAAnswer(question: string): string {
  return `Echo: ${question}\nThat\u2019s what the knowledge base says.`;
}

/** Pieces as an LLM streams them: each word with the whitespace before it. */
export function answerPieces(text: string): string[] {
  return text.match(/\s*\S+|\s+$/gu) ?? [];
}

/** Serialises pieces as frames; with `split`, a piece ending inside a multi-byte character gives its tail to the next. */
function streamFrames(pieces: readonly string[], split: boolean): string[] {
  const encoder = new TextEncoder();
  const chunks: Uint8Array[] = pieces.map((piece) => encoder.encode(piece));
  if (split) {
    for (let i = 0; i + 1 < chunks.length; i++) {
      const chunk = chunks[i] as Uint8Array;
      const at = chunk.findIndex((byte) => byte >= 0xc0);
      if (at < 0) continue;
      // Cut right after the lead byte: the continuation bytes travel in the next frame.
      chunks[i] = chunk.subarray(0, at + 1);
      chunks[i + 1] = Uint8Array.from([...chunk.subarray(at + 1), ...(chunks[i + 1] as Uint8Array)]);
    }
  }
  return chunks.map((bytes) => `data: ${pythonBytesRepr(bytes)}\n\n`);
}

/** `POST /v1/chatqna`. ChatQnA streams unless the body says `"stream": false`. */
export function chatQnA(
  request: EmulatorRequest,
  state: ChatQnAState,
  options: ChatQnAEmulatorOptions,
): Reply {
  const body = request.json;
  if (!isObject(body)) return jsonDecodeError();
  const issues = [checkMessages(body.messages, body), ...checkFields(body, NUMBER_FIELDS)].filter(
    (issue): issue is FastAPIIssue => issue !== undefined,
  );
  if (issues.length > 0) return fastAPIValidation(issues);
  const text = chatQnAAnswer(questionOf(body.messages) ?? '');
  state.answers++;
  if (body.stream === false) {
    return {
      kind: 'json',
      status: 200,
      body: {
        id: `chatcmpl-${state.answers.toString(36).padStart(22, 'Q')}`,
        object: 'chat.completion',
        created: Math.floor(request.receivedAt / 1000),
        model: 'chatqna',
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: text, audio: null },
            finish_reason: 'stop',
            metadata: null,
          },
        ],
        usage: { prompt_tokens: 0, total_tokens: 0, completion_tokens: 0 },
      },
    };
  }
  return {
    kind: 'stream',
    status: 200,
    contentType: 'text/event-stream; charset=utf-8',
    frames: streamFrames(answerPieces(text), options.splitCharacters === true),
    terminator: CHATQNA_DONE_FRAME,
  };
}
