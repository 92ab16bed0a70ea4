import { describeConformance } from '../vitest.js';
import { hfTeiSubject } from './hf-tei.js';

describeConformance(hfTeiSubject());
