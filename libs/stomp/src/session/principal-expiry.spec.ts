// #10: one expiry timer per session, never handed more than setTimeout holds (Node fires an overflowing
// delay after 1 ms, which would end a month-long session at once).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { onPrincipalExpiry } from './principal-expiry';

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('onPrincipalExpiry', () => {
  it('fires once the expiry has passed, not before', async () => {
    let fired = 0;
    onPrincipalExpiry({ name: 'a', roles: [], expiresAt: Date.now() + 60 }, () => fired++);
    await wait(20);
    assert.equal(fired, 0);
    await wait(100);
    assert.equal(fired, 1);
  });

  it('does not fire early for an expiry beyond what a timer holds (30 days)', async () => {
    let fired = 0;
    const cancel = onPrincipalExpiry({ name: 'a', roles: [], expiresAt: Date.now() + 30 * 24 * 3600 * 1000 }, () => fired++);
    await wait(30);
    cancel();
    assert.equal(fired, 0);
  });

  it('never calls back from inside the call, even for a token already past its expiry', async () => {
    let fired = 0;
    onPrincipalExpiry({ name: 'a', roles: [], expiresAt: Date.now() - 1 }, () => fired++);
    assert.equal(fired, 0);
    await wait(5);
    assert.equal(fired, 1);
  });

  it('does nothing without an expiry, and nothing once cancelled', async () => {
    let fired = 0;
    onPrincipalExpiry({ name: 'a', roles: [] }, () => fired++);
    onPrincipalExpiry(undefined, () => fired++);
    onPrincipalExpiry({ name: 'a', roles: [], expiresAt: Date.now() + 10 }, () => fired++)();
    await wait(40);
    assert.equal(fired, 0);
  });
});
