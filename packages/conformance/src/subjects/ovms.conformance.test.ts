import { describeConformance } from '../vitest.js';
import { ovmsSubject } from './ovms.js';

describeConformance(ovmsSubject());
