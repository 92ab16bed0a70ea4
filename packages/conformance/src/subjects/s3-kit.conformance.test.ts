import { describeConformance } from '../vitest.js';
import { s3KitSubject } from './s3-kit.js';

describeConformance(s3KitSubject());
