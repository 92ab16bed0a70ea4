/** The eleven backends of the status table, in the seed's order; a row without a subject is not built yet. */
import { claudeSubject } from './subjects/claude.js';
import { geminiSubject } from './subjects/gemini.js';
import { groqSubject } from './subjects/groq.js';
import { hfTeiSubject } from './subjects/hf-tei.js';
import { hfTgiSubject } from './subjects/hf-tgi.js';
import { llvmSubject } from './subjects/llvm.js';
import { ollamaSubject } from './subjects/ollama.js';
import { opeaSubject } from './subjects/opea.js';
import { openaiSubject } from './subjects/openai.js';
import { ovmsSubject } from './subjects/ovms.js';
import { s3KitSubject } from './subjects/s3-kit.js';
import type { ConformanceSubject } from './suite/types.js';

/** A row of the table. */
export interface BackendEntry {
  name: string;
  title: string;
  /** Builds the backend's subject; absent while the backend is not implemented. */
  subject?: () => ConformanceSubject;
}

/** Every backend, in table order. */
export const BACKENDS: readonly BackendEntry[] = [
  { name: 'openai', title: 'OpenAI', subject: openaiSubject as () => ConformanceSubject },
  { name: 'claude', title: 'Claude', subject: claudeSubject as () => ConformanceSubject },
  { name: 'groq', title: 'Groq', subject: groqSubject as () => ConformanceSubject },
  { name: 'gemini', title: 'Gemini', subject: geminiSubject as () => ConformanceSubject },
  { name: 'ollama', title: 'Ollama', subject: ollamaSubject as () => ConformanceSubject },
  { name: 'hf-tgi', title: 'HF TGI', subject: hfTgiSubject as () => ConformanceSubject },
  { name: 'hf-tei', title: 'HF TEI', subject: hfTeiSubject as () => ConformanceSubject },
  { name: 'llvm', title: 'LLVM', subject: llvmSubject as () => ConformanceSubject },
  { name: 'ovms', title: 'OVMS', subject: ovmsSubject as () => ConformanceSubject },
  { name: 'opea', title: 'OPEA', subject: opeaSubject as () => ConformanceSubject },
  { name: 's3-kit', title: 'S3 Kit', subject: s3KitSubject as () => ConformanceSubject },
];
