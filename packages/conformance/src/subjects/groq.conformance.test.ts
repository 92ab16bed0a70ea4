import { describeConformance } from '../vitest.js';
import { groqSubject } from './groq.js';

describeConformance(groqSubject());
