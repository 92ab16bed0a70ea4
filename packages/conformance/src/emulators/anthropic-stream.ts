import type { StreamReply } from '../emulator/types.js';
import {
  type JsonObject,
  type MessagePlan,
  type PlannedBlock,
  usageOf,
  wordPieces,
} from './anthropic-shapes.js';

/** A named SSE event: `event: <type>` and its `data`, whose `type` repeats the name. */
export function sseEvent(data: JsonObject & { type: string }): string {
  return `event: ${data.type}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** The terminator of a message stream. */
export const MESSAGE_STOP_FRAME = sseEvent({ type: 'message_stop' });

/**
 * A message as the API streams it: `message_start` (input usage, `output_tokens: 1`); per block
 * `content_block_start`, deltas (`text_delta` per word piece, `thinking_delta` per word piece then one
 * `signature_delta`, `input_json_delta` as an empty fragment then two halves), `content_block_stop`; a `ping`
 * right after the first block start; `message_delta` with the stop reason and the output count; the framework
 * appends `message_stop`. The preamble (no content) is `message_start`, the first block start and the ping.
 */
export function messageStreamReply(plan: MessagePlan): StreamReply {
  const frames: string[] = [
    sseEvent({
      type: 'message_start',
      message: {
        id: plan.id,
        type: 'message',
        role: 'assistant',
        model: plan.model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: usageOf(plan.inputTokens, 1),
      },
    }),
  ];
  plan.blocks.forEach((block, index) => {
    frames.push(sseEvent({ type: 'content_block_start', index, content_block: startOf(block) }));
    if (index === 0) frames.push(sseEvent({ type: 'ping' }));
    for (const delta of deltasOf(block)) frames.push(sseEvent({ type: 'content_block_delta', index, delta }));
    frames.push(sseEvent({ type: 'content_block_stop', index }));
  });
  if (plan.blocks.length === 0) frames.push(sseEvent({ type: 'ping' }));
  frames.push(
    sseEvent({
      type: 'message_delta',
      delta: { stop_reason: plan.stopReason, stop_sequence: plan.stopSequence },
      usage: { output_tokens: plan.outputTokens },
    }),
  );
  return {
    kind: 'stream',
    status: 200,
    contentType: 'text/event-stream; charset=utf-8',
    frames,
    terminator: MESSAGE_STOP_FRAME,
    contentStart: Math.min(3, frames.length),
  };
}

function startOf(block: PlannedBlock): JsonObject {
  switch (block.type) {
    case 'text':
      return { type: 'text', text: '' };
    case 'thinking':
      return { type: 'thinking', thinking: '', signature: '' };
    case 'tool_use':
      return { type: 'tool_use', id: block.id, name: block.name, input: {} };
  }
}

function deltasOf(block: PlannedBlock): JsonObject[] {
  switch (block.type) {
    case 'text':
      return wordPieces(block.text).map((text) => ({ type: 'text_delta', text }));
    case 'thinking':
      return [
        ...wordPieces(block.thinking).map((thinking) => ({ type: 'thinking_delta', thinking })),
        { type: 'signature_delta', signature: block.signature },
      ];
    case 'tool_use': {
      const json = JSON.stringify(block.input);
      const middle = Math.ceil(json.length / 2);
      return [
        { type: 'input_json_delta', partial_json: '' },
        { type: 'input_json_delta', partial_json: json.slice(0, middle) },
        { type: 'input_json_delta', partial_json: json.slice(middle) },
      ];
    }
  }
}
