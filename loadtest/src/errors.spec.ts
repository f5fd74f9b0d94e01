import { classifyError } from './errors';

describe('classifyError', () => {
  it.each([
    [{ code: 8 }, 'RESOURCE_EXHAUSTED'],
    [{ code: 14, details: 'connection refused' }, 'UNAVAILABLE'],
    [{ code: 4, name: 'Error' }, 'DEADLINE_EXCEEDED'],
    [{ code: 999 }, 'code 999'],
    [Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }), 'ECONNREFUSED'],
    [new TypeError('bad'), 'TypeError'],
    ['a string', 'unknown'],
    [null, 'unknown'],
    [undefined, 'unknown'],
  ])('classifies %p as %s', (err, expected) => {
    expect(classifyError(err)).toBe(expected);
  });
});
