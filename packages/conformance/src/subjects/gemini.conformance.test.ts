import { describeConformance } from '../vitest.js';
import { geminiSubject } from './gemini.js';

describeConformance(geminiSubject());
