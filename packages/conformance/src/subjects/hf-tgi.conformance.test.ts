import { describeConformance } from '../vitest.js';
import { hfTgiSubject } from './hf-tgi.js';

describeConformance(hfTgiSubject());
