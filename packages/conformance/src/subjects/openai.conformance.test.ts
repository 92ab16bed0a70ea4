import { describeConformance } from '../vitest.js';
import { openaiSubject } from './openai.js';

describeConformance(openaiSubject());
