/** A check that an action throws a SegmarkError with a given code (and params). */
import { expect } from 'vitest';
import { SegmarkError } from '../../../src/core/errors.js';

export function expectSegmarkError(action: () => unknown, code: string, params: Record<string, string> = {}): SegmarkError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(SegmarkError);
    expect((error as SegmarkError).code).toBe(code);
    expect((error as SegmarkError).params).toMatchObject(params);
    return error as SegmarkError;
  }
  return expect.fail(`expected a SegmarkError ${code}`);
}
