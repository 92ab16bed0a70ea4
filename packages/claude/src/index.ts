/**
 * @ipfs-accelerate/claude: a resilient client for Anthropic's Messages API on the ipfs-accelerate core.
 *
 * ```ts
 * import { createClaude } from '@ipfs-accelerate/claude';
 * const claude = createClaude(); // ANTHROPIC_API_KEY
 * const { text } = await claude.chat({ model: 'claude-3-5-haiku-latest', messages: [{ role: 'user', content: 'Hi' }] });
 * ```
 */
export type {
  ClaudeMessagesBody,
  ClaudeResponseBlock,
  ClaudeWireContentBlock,
  ClaudeWireMessage,
  ClaudeWireTool,
  ClaudeWireToolChoice,
} from './claude-api-types.js';
export {
  CLAUDE_API_KEY_ENV,
  CLAUDE_DEFAULT_BASE_URL,
  type ClaudeClient,
  type ClaudeOptions,
  type ClaudeTokenCount,
  createClaude,
} from './claude-client.js';
export { claudeStreamError, parseClaudeError } from './claude-error.js';
export {
  buildClaudeCountTokensBody,
  buildClaudeMessagesBody,
  CLAUDE_DEFAULT_MAX_TOKENS,
  type ClaudeBodyOptions,
} from './claude-messages-request.js';
export {
  type ClaudeChatResult,
  type ClaudeUsage,
  convertClaudeUsage,
  mapClaudeStopReason,
} from './claude-messages-response.js';
export type { ClaudeModelInfo, ClaudeModelPage, ClaudeModelPageParams } from './claude-models.js';
export { ANTHROPIC_VERSION, type ClaudeProtocolOptions, claudeProtocol } from './claude-protocol.js';
export { createClaudeStreamMapper, isClaudeChatContent } from './claude-stream.js';
export { type ClaudePrompt, convertToClaudeMessages } from './convert-to-claude-messages.js';
