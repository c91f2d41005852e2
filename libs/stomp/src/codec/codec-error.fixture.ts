import assert from 'node:assert/strict';
import { StompCodecError } from './codec-error';

/** The `code` of the StompCodecError that `fn` throws; fails the test on any other outcome. */
export function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof StompCodecError, `expected a StompCodecError, got ${String(error)}`);
    return error.code;
  }
  assert.fail('expected a StompCodecError, nothing was thrown');
}
