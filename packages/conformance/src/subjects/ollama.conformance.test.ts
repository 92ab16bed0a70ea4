import { describeConformance } from '../vitest.js';
import { ollamaSubject } from './ollama.js';

describeConformance(ollamaSubject());
