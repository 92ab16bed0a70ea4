/**
 * The LLVM emulator's code routes, deterministic and without running anything: `/execute` "prints" the
 * string literals of `printf`/`puts` calls and exits with the last `return N;`, and `/optimize` strips
 * comments and blank lines and names a fixed pass list per level. Unbalanced brackets are a compile error,
 * answered as diagnostics in `errors` with status 200, as the contract says.
 */
import type { EmulatorRequest, Reply } from '../emulator/types.js';
import { isObject, jsonReply, llvmErrorReply } from './llvm-shapes.js';
import { checkCode, checkCodeParameters, parseObjectBody } from './llvm-validate.js';

/** The passes `/optimize` reports for each level. */
export const LLVM_EMULATOR_PASSES: Readonly<Record<string, readonly string[]>> = {
  O0: [],
  O1: ['mem2reg', 'instcombine', 'simplifycfg'],
  O2: ['mem2reg', 'instcombine', 'simplifycfg', 'gvn', 'licm', 'inline', 'dce'],
  O3: [
    'mem2reg',
    'instcombine',
    'simplifycfg',
    'gvn',
    'licm',
    'inline',
    'dce',
    'loop-unroll',
    'slp-vectorizer',
  ],
  Os: ['mem2reg', 'instcombine', 'simplifycfg', 'gvn', 'dce'],
  Oz: ['mem2reg', 'instcombine', 'simplifycfg', 'gvn', 'dce', 'mergefunc'],
};

const PAIRS: Record<string, string> = { ')': '(', ']': '[', '}': '{' };

/** The first bracket error of the code (outside string literals), as a compiler would word it. */
export function bracketError(code: string): string | undefined {
  const stack: Array<{ open: string; line: number }> = [];
  let line = 1;
  let quote: string | undefined;
  for (let i = 0; i < code.length; i++) {
    const c = code[i] as string;
    if (c === '\n') line += 1;
    if (quote) {
      if (c === '\\') i += 1;
      else if (c === quote) quote = undefined;
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === '(' || c === '[' || c === '{') stack.push({ open: c, line });
    else if (c in PAIRS) {
      if (stack.pop()?.open !== PAIRS[c]) return `input:${line}: error: unexpected '${c}'`;
    }
  }
  const open = stack.pop();
  return open ? `input:${open.line}: error: expected matching bracket for '${open.open}'` : undefined;
}

function unescapeLiteral(literal: string): string {
  return literal.replace(/\\(.)/g, (_, c: string) => ({ n: '\n', t: '\t' })[c] ?? c);
}

/** What the program would print: `printf("…")` literals as written, `puts("…")` literals plus a newline. */
export function simulatedOutput(code: string): string {
  let output = '';
  for (const match of code.matchAll(/\b(printf|puts)\s*\(\s*"((?:[^"\\]|\\.)*)"/g)) {
    output += unescapeLiteral(match[2] ?? '') + (match[1] === 'puts' ? '\n' : '');
  }
  return output;
}

/** `POST /execute` `{input: code, parameters?}` -> `{result, output, errors, execution_time, exit_code}`. */
export function executeHandler(request: EmulatorRequest): Reply {
  const parsed = parseObjectBody(request);
  if (!parsed.ok) return parsed.reply;
  const problem = checkCode(parsed.value) ?? checkCodeParameters(parsed.value);
  if (problem) return llvmErrorReply(400, problem, 'invalid_request');
  const code = parsed.value.input as string;
  const error = bracketError(code);
  if (error)
    return jsonReply(200, { result: null, output: '', errors: [error], execution_time: 0, exit_code: null });
  const returns = [...code.matchAll(/\breturn\s+(-?\d+)\s*;/g)];
  const exitCode = returns.length > 0 ? Number(returns.at(-1)?.[1]) : 0;
  const lines = code.split('\n').length;
  return jsonReply(200, {
    result: exitCode,
    output: simulatedOutput(code),
    errors: [],
    execution_time: lines / 1000,
    exit_code: exitCode,
  });
}

/** `POST /optimize` `{input: code, parameters?: {optimization_level}}` -> `{optimized_code, optimization_passes, errors}`. */
export function optimizeHandler(request: EmulatorRequest): Reply {
  const parsed = parseObjectBody(request);
  if (!parsed.ok) return parsed.reply;
  const problem = checkCode(parsed.value) ?? checkCodeParameters(parsed.value);
  if (problem) return llvmErrorReply(400, problem, 'invalid_request');
  const code = parsed.value.input as string;
  const parameters = isObject(parsed.value.parameters) ? parsed.value.parameters : {};
  const level = typeof parameters.optimization_level === 'string' ? parameters.optimization_level : 'O2';
  const error = bracketError(code);
  if (error) return jsonReply(200, { optimized_code: '', optimization_passes: [], errors: [error] });
  const optimized =
    level === 'O0'
      ? code
      : code
          .split('\n')
          .map((l) =>
            l
              .replace(/\s*\/\/.*$/, '')
              .replace(/^\s*;.*$/, '')
              .trimEnd(),
          )
          .filter((l) => l.trim() !== '')
          .join('\n');
  return jsonReply(200, {
    optimized_code: optimized,
    optimization_passes: [...(LLVM_EMULATOR_PASSES[level] ?? [])],
    errors: [],
  });
}
