import { describeConformance } from '../vitest.js';
import { opeaSubject } from './opea.js';

describeConformance(opeaSubject());
