import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from './errors/index.js';
import { createInputChecks, type InputChecks, isPlainObject } from './validate-input.js';

const c: InputChecks = createInputChecks('acme');

function thrown(run: () => void): InvalidRequestError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidRequestError);
    return error as InvalidRequestError;
  }
  throw new Error('expected a throw');
}

describe('isPlainObject', () => {
  it('accepts objects only', () => {
    expect(isPlainObject({})).toBe(true);
    expect(isPlainObject([])).toBe(false);
    expect(isPlainObject(null)).toBe(false);
    expect(isPlainObject('x')).toBe(false);
  });
});

describe('createInputChecks', () => {
  it('names the provider in the message and on the error', () => {
    const error = thrown(() => c.object(null, 'request'));
    expect(error.message).toBe('acme: request must be an object');
    expect(error.provider).toBe('acme');
    expect(c.provider).toBe('acme');
    expect(c.invalid('x is wrong').message).toBe('acme: x is wrong');
    expect(() => c.fail('y is wrong')).toThrow(/^acme: y is wrong$/);
  });

  it('passes good values and undefined optionals', () => {
    expect(() => {
      c.object({}, 'o');
      c.optionalObject(undefined, 'o');
      c.optionalObject({ a: 1 }, 'o');
      c.model('m');
      c.name('n', 'name');
      c.string('', 's');
      c.optionalString(undefined, 's');
      c.nonEmptyString(' ', 's');
      c.optionalNonEmptyString(undefined, 's');
      c.optionalBoolean(false, 'b');
      c.optionalBoolean(undefined, 'b');
      c.number(1, 'n', { min: 1, max: 1, integer: true });
      c.optionalNumber(undefined, 'n', { min: 5 });
      c.optionalNumber(0.5, 'n', { above: 0, below: 1 });
      c.optionalStrings(undefined, 'stop');
      c.optionalStrings(['', 'x'], 'stop');
      c.optionalOneOf(undefined, ['a'], 'k');
      c.optionalOneOf('a', ['a', 'b'], 'k');
      c.nonEmptyArray([0], 'items');
      c.optionalHeaders(undefined);
      c.optionalHeaders({ a: 'b' });
    }).not.toThrow();
  });

  const bad: Array<[string, () => void, string]> = [
    [
      'an array as object',
      () => c.optionalObject([], 'providerOptions'),
      'providerOptions must be an object',
    ],
    ['a blank model', () => c.model(' '), 'model must be a non-empty string'],
    ['a model number', () => c.model(3, 'modelId'), 'modelId must be a non-empty string'],
    ['a blank name', () => c.name('', 'tool.name'), 'tool.name must be a non-empty string'],
    ['a number as string', () => c.optionalString(4, 'prompt'), 'prompt must be a string; got number'],
    ['an empty string', () => c.optionalNonEmptyString('', 'suffix'), 'suffix must be a non-empty string'],
    ['a string as boolean', () => c.optionalBoolean('yes', 'raw'), 'raw must be a boolean; got string'],
    ['NaN', () => c.number(Number.NaN, 'n'), 'n must be a finite number; got NaN'],
    ['a string number', () => c.optionalNumber('1', 'n'), 'n must be a finite number; got 1'],
    [
      'a fraction',
      () => c.optionalNumber(1.5, 'topK', { integer: true }),
      'topK must be an integer; got 1.5',
    ],
    [
      'below min',
      () => c.optionalNumber(0, 'maxTokens', { min: 1, integer: true }),
      'maxTokens must be an integer >= 1; got 0',
    ],
    [
      'above max',
      () => c.optionalNumber(1.5, 'temperature', { min: 0, max: 1 }),
      'temperature must be a finite number >= 0 and <= 1; got 1.5',
    ],
    [
      'at an exclusive bound, with a hint',
      () => c.optionalNumber(0, 'temperature', { above: 0, hint: 'leave it out' }),
      'temperature must be a finite number > 0; got 0 (leave it out)',
    ],
    [
      'at an exclusive upper bound',
      () => c.optionalNumber(1, 'topP', { above: 0, below: 1 }),
      'topP must be a finite number > 0 and < 1; got 1',
    ],
    ['max only', () => c.optionalNumber(9, 'n', { max: 8 }), 'n must be a finite number <= 8; got 9'],
    ['a string as strings', () => c.optionalStrings('END', 'stop'), 'stop must be an array of strings'],
    ['a number in strings', () => c.optionalStrings(['a', 1], 'stop'), 'stop[1] must be a string; got 1'],
    [
      'an empty string in non-empty strings',
      () => c.optionalStrings([''], 'betas', { nonEmpty: true }),
      'betas[0] must be a non-empty string; got ""',
    ],
    ['an unknown member', () => c.optionalOneOf('c', ['a', 'b'], 'k'), 'k must be one of a, b; got "c"'],
    ['an empty array', () => c.nonEmptyArray([], 'inputs'), 'inputs must be a non-empty array'],
    ['not an array', () => c.nonEmptyArray('x', 'inputs'), 'inputs must be a non-empty array'],
    ['headers not an object', () => c.optionalHeaders('x'), 'headers must be an object'],
    ['a number header', () => c.optionalHeaders({ a: 1 }), 'header a must be a string'],
  ];

  it.each(bad)('refuses %s', (_, run, message) => {
    const error = thrown(run);
    expect(error.message).toBe(`acme: ${message}`);
    expect(error.provider).toBe('acme');
  });
});
