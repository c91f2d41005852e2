// #15 item 4: the client library's error codes are the server's. The library cannot import the server
// (it runs in browsers), so this test keeps its list true: every code of the chat's catalogue, and
// every code the documents' error tables name, is one the library types.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CHAT_ERRORS } from '@app/chat';
import { ChatClientError, CLIENT_ERROR_CODES, SERVER_ERROR_CODES } from '../../libs/chat-client/src';

const ROOT = join(__dirname, '..', '..', '..');
const known = new Set<string>(SERVER_ERROR_CODES);

/** The backticked codes in one column of the markdown table that follows `heading`. */
function documentedCodes(file: string, heading: RegExp, column: number): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const start = text.search(heading);
  assert.ok(start >= 0, `${file} has no ${heading}`);
  const lines = text.slice(start).split('\n');
  const first = lines.findIndex((l) => l.startsWith('|'));
  const end = lines.findIndex((l, i) => i > first && !l.startsWith('|'));
  const table = lines.slice(first, end < 0 ? undefined : end).join('\n');
  return table.split('\n').slice(2).flatMap((row) => [...(row.split('|')[column + 1] ?? '').matchAll(/`([a-z][a-z-]+)`/g)].map((m) => m[1]!));
}

describe('#15 the client library knows every error code the server gives', () => {
  it("the chat's catalogue (libs/chat/src/chat-error.ts)", () => {
    for (const code of Object.keys(CHAT_ERRORS)) assert.ok(known.has(code), `${code} is missing from SERVER_ERROR_CODES`);
  });

  it("the documents' tables of codes", () => {
    const stomp = documentedCodes('docs/destinations.md', /`error` is a stable code/, 0);
    const http = documentedCodes('docs/http.md', /## Status codes and errors/, 1);
    assert.ok(stomp.length >= 20 && http.length >= 15, `${stomp.length} and ${http.length} codes found`);
    for (const code of [...stomp, ...http]) assert.ok(known.has(code), `${code} is missing from SERVER_ERROR_CODES`);
  });

  it('client codes do not shadow server codes, and say which failures are retried', () => {
    for (const code of CLIENT_ERROR_CODES) assert.equal(known.has(code), false, code);
    assert.equal(new ChatClientError('store-busy', '').retryable, true);
    assert.equal(new ChatClientError('connection-lost', '').retryable, true);
    assert.equal(new ChatClientError('rate-limited', '').retryable, false, 'a rate limit is the caller’s to slow down for');
    assert.equal(new ChatClientError('invalid-text', '').retryable, false);
  });
});
