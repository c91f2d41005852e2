// #3: a flood of SENDs must not keep the store from committing: a door reads no more than it has answered.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { InboundWindow } from './inbound-window';

function window(limit: number, canPause = true) {
  const taken: number[] = [];
  const owed: Array<() => void> = [];
  const flow = { pauses: 0, resumes: 0, pause() { this.pauses++; }, resume() { this.resumes++; } };
  const w = new InboundWindow<number>(limit, (n) => {
    taken.push(n);
    owed.push(w.owe());
  }, canPause ? flow : undefined);
  return { w, taken, owed, flow };
}

describe('#3 InboundWindow', () => {
  it('holds input past the limit of unanswered messages and pauses the socket once', () => {
    const { w, taken, flow } = window(4);
    for (let i = 1; i <= 10; i++) w.offer(i);
    assert.deepEqual(taken, [1, 2, 3, 4]);
    assert.equal(w.unanswered, 4);
    assert.equal(flow.pauses, 1);
    assert.equal(w.isPaused, true);
  });

  it('hands held input on in order once half of the answers have come, and reads again when none is held', () => {
    const { w, taken, owed, flow } = window(4);
    for (let i = 1; i <= 7; i++) w.offer(i);
    owed[0]!();
    assert.deepEqual(taken, [1, 2, 3, 4], 'three still owed: more than half of the window');
    owed[1]!();
    assert.deepEqual(taken, [1, 2, 3, 4, 5, 6], 'refilled up to the limit, in arrival order');
    assert.equal(flow.resumes, 0, 'input 7 is still held');
    owed[2]!();
    owed[3]!();
    assert.deepEqual(taken, [1, 2, 3, 4, 5, 6, 7]);
    assert.equal(flow.resumes, 1);
    assert.equal(w.isPaused, false);
    w.offer(8);
    assert.deepEqual(taken.at(-1), 8, 'taken at once while the window has room');
  });

  it('counts an answer once however often it is given', () => {
    const { w, owed } = window(4);
    w.offer(1);
    owed[0]!();
    owed[0]!();
    assert.equal(w.unanswered, 0);
  });

  it('takes an answer given while it hands on held input (a refusal settled at once) without losing order', () => {
    const taken: number[] = [];
    const flow = { pause() {}, resume() {} };
    const pending: Array<() => void> = [];
    const w: InboundWindow<number> = new InboundWindow<number>(2, (n) => {
      taken.push(n);
      const answered = w.owe();
      // Odd inputs are answered on the spot, even ones later.
      if (n % 2 === 1) answered();
      else pending.push(answered);
    }, flow);
    for (let i = 1; i <= 9; i++) w.offer(i);
    while (pending.length > 0) pending.shift()!();
    assert.deepEqual(taken, [1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.equal(w.unanswered, 0);
  });

  it('without a way to pause, takes everything at once and only counts', () => {
    const { w, taken } = window(2, false);
    for (let i = 1; i <= 5; i++) w.offer(i);
    assert.deepEqual(taken, [1, 2, 3, 4, 5]);
    assert.equal(w.unanswered, 5);
  });

  it('on close drops what is held, reads the socket again and takes nothing more', () => {
    const { w, taken, owed, flow } = window(1);
    w.offer(1);
    w.offer(2);
    w.close();
    assert.equal(flow.resumes, 1);
    owed[0]!();
    w.offer(3);
    assert.deepEqual(taken, [1]);
  });
});
