/**
 * @ipfs-accelerate/conformance: faithful local emulators of each wire protocol, the shared suite every backend
 * (or your own, built on the core) runs, and the runner behind the status-table CLI.
 */
export { BACKENDS, type BackendEntry } from './backends.js';
export * from './emulator/index.js';
export {
  type AnthropicEmulator,
  type AnthropicEmulatorOptions,
  anthropicProtocol,
  startAnthropicEmulator,
} from './emulators/anthropic.js';
export {
  type GeminiEmulator,
  type GeminiEmulatorOptions,
  geminiProtocol,
  startGeminiEmulator,
} from './emulators/gemini.js';
export { geminiErrorFault } from './emulators/gemini-errors.js';
export {
  type GroqEmulator,
  type GroqEmulatorOptions,
  groqProtocol,
  startGroqEmulator,
} from './emulators/groq.js';
export { type LlvmEmulator, llvmProtocol, startLlvmEmulator } from './emulators/llvm.js';
export { type OllamaEmulator, type OllamaEmulatorOptions, startOllamaEmulator } from './emulators/ollama.js';
export { type OpeaEmulatorOptions, opeaProtocol, startOpeaEmulator } from './emulators/opea.js';
export {
  type OpenAIEmulator,
  type OpenAIEmulatorOptions,
  openAIProtocol,
  startOpenAIEmulator,
} from './emulators/openai-compatible.js';
export {
  type OvmsEmulator,
  type OvmsEmulatorOptions,
  ovmsProtocol,
  startOvmsEmulator,
} from './emulators/ovms.js';
export {
  S3_EMULATOR_ACCESS_KEY,
  type S3Emulator,
  type S3EmulatorOptions,
  s3EmulatorSecret,
  s3ErrorIn200,
  startS3Emulator,
} from './emulators/s3.js';
export { startTeiEmulator, type TeiEmulator, type TeiEmulatorOptions, teiProtocol } from './emulators/tei.js';
export { startTgiEmulator, type TgiEmulator, tgiProtocol } from './emulators/tgi.js';
export {
  DEFAULT_FAULT_WEIGHTS,
  FaultMix,
  type FaultMixOptions,
  SOAK_FAULT_KINDS,
  type SoakFaultKind,
} from './soak/fault-mix.js';
export { createRandom, type Random } from './soak/random.js';
export { runSoak, SOAK_CLIENT_DEFAULTS } from './soak/run-soak.js';
export {
  renderSoakBreakdown,
  renderSoakMarkdown,
  renderSoakTable,
  renderSoakViolations,
} from './soak/soak-table.js';
export type { SoakOptions, SoakReport } from './soak/soak-types.js';
export {
  chatCapabilityChecks,
  chatSubjectCalls,
  lastUserMessage,
  summariseChatStream,
  taggedChat,
} from './subjects/chat-subject.js';
export { claudeSubject } from './subjects/claude.js';
export { geminiSubject } from './subjects/gemini.js';
export { groqSubject } from './subjects/groq.js';
export { hfTeiSubject } from './subjects/hf-tei.js';
export { hfTgiSubject } from './subjects/hf-tgi.js';
export { llvmSubject } from './subjects/llvm.js';
export { ollamaSubject } from './subjects/ollama.js';
export { opeaSubject } from './subjects/opea.js';
export { openaiSubject } from './subjects/openai.js';
export { ovmsSubject } from './subjects/ovms.js';
export { s3KitSubject } from './subjects/s3-kit.js';
export { ConformanceFailure, drain, expectEqual, expectRejects, expectTrue, settle } from './suite/assert.js';
export { FEATURE_CHECKS } from './suite/checks/index.js';
export { liveUnavailable, runLive } from './suite/live.js';
export {
  CONFORMANCE_API_KEY,
  checksFor,
  fold,
  type RunOptions,
  runCheck,
  runConformance,
  type SubjectReport,
  summarise,
} from './suite/runner.js';
export { renderFailures, renderJson, renderMarkdown, renderText, type TableRow } from './suite/table.js';
export {
  type CapabilityCheck,
  type Check,
  type CheckContext,
  type CheckGroup,
  type CheckResult,
  type CheckStatus,
  type ConformanceSubject,
  FEATURES,
  type Feature,
  type SubjectClientOptions,
  type SubjectStream,
} from './suite/types.js';
