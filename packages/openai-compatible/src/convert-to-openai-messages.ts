/** Common chat messages to the wire messages of `POST /chat/completions`. */
import { type ChatMessage, type ContentPart, InvalidRequestError } from '@ipfs-accelerate/core';
import type { OpenAIContentPart, OpenAIMessage } from './openai-compatible-api.js';

function textOnly(content: string | ContentPart[], role: string, provider: string): string {
  if (typeof content === 'string') return content;
  let text = '';
  for (const part of content) {
    if (part.type !== 'text') {
      throw new InvalidRequestError(`${provider}: ${role} messages take text parts only; got ${part.type}`, {
        provider,
      });
    }
    text += part.text;
  }
  return text;
}

function toWirePart(part: ContentPart): OpenAIContentPart {
  switch (part.type) {
    case 'text':
      return { type: 'text', text: part.text };
    case 'image':
      return { type: 'image_url', image_url: { url: `data:${part.mediaType};base64,${part.data}` } };
    case 'image-url':
      return { type: 'image_url', image_url: { url: part.url } };
  }
}

function userContent(content: string | ContentPart[]): string | OpenAIContentPart[] {
  if (typeof content === 'string') return content;
  // A lone text part goes as a plain string: every compatible server understands that form.
  const [first] = content;
  if (content.length === 1 && first?.type === 'text') return first.text;
  return content.map(toWirePart);
}

function withName<M extends OpenAIMessage>(message: M, name: string | undefined): M {
  return name === undefined ? message : { ...message, name };
}

/**
 * Maps messages to the wire: system and tool content as text, user content as text or `text`/`image_url`
 * parts (inline images as `data:` URLs), assistant tool calls as `tool_calls`, tool results with
 * `tool_call_id`. Expects messages that passed `validateChatRequest`.
 * @throws InvalidRequestError for an image in a system, assistant or tool message, or a tool message
 *   without `toolCallId`
 */
export function convertToOpenAIMessages(
  messages: readonly ChatMessage[],
  provider = 'openai',
): OpenAIMessage[] {
  return messages.map((message): OpenAIMessage => {
    switch (message.role) {
      case 'system':
        return withName(
          { role: 'system', content: textOnly(message.content, 'system', provider) },
          message.name,
        );
      case 'user':
        return withName({ role: 'user', content: userContent(message.content) }, message.name);
      case 'assistant': {
        const wire: OpenAIMessage = {
          role: 'assistant',
          content: textOnly(message.content, 'assistant', provider),
        };
        if (message.toolCalls && message.toolCalls.length > 0) {
          wire.tool_calls = message.toolCalls.map((call) => ({
            id: call.id,
            type: 'function',
            function: { name: call.name, arguments: call.arguments },
          }));
        }
        return withName(wire, message.name);
      }
      case 'tool':
        if (!message.toolCallId) {
          throw new InvalidRequestError(`${provider}: a tool message needs toolCallId`, { provider });
        }
        return {
          role: 'tool',
          content: textOnly(message.content, 'tool', provider),
          tool_call_id: message.toolCallId,
        };
      default:
        throw new InvalidRequestError(
          `${provider}: unknown message role ${JSON.stringify((message as { role: unknown }).role)}`,
          { provider },
        );
    }
  });
}
