import { describeConformance } from '../vitest.js';
import { llvmSubject } from './llvm.js';

describeConformance(llvmSubject());
