import { describeConformance } from '../vitest.js';
import { claudeSubject } from './claude.js';

describeConformance(claudeSubject());
