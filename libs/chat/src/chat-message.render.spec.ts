import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ChatError, CHAT_ERRORS } from './chat-error';
import { chatIdOf, formatTime, messagesFeedMessage, renderStoredMessage, roomMessage } from './chat-message.render';

const stored = { id: 7, room: 'lobby', seq: 3, from: 'alice', text: 'hé 🙂', sentAt: new Date(2024, 0, 2, 3, 4, 5, 6) };

describe('chat message rendering', () => {
  it('renders the stored shape with ISO sentAt and local HH:mm', () => {
    assert.deepEqual(renderStoredMessage(stored), {
      id: 7,
      room: 'lobby',
      from: 'alice',
      text: 'hé 🙂',
      sentAt: stored.sentAt.toISOString(),
      time: '03:04',
    });
    assert.equal(formatTime(new Date(2024, 0, 1, 23, 59)), '23:59');
  });

  it('#13 renders an edited message with editedAt, a deleted one as a tombstone with no text', () => {
    const editedAt = new Date(2024, 0, 2, 3, 9);
    assert.deepEqual(renderStoredMessage({ ...stored, text: 'new', editedAt }), {
      ...renderStoredMessage(stored), text: 'new', editedAt: editedAt.toISOString(),
    });
    const tombstone = renderStoredMessage({ ...stored, editedAt, deletedAt: new Date(), deletedBy: 'mod' });
    assert.deepEqual(tombstone, {
      id: 7, room: 'lobby', from: 'alice', sentAt: stored.sentAt.toISOString(), time: '03:04', deleted: true, text: '',
    });
  });

  it('encodes the room message once, with content-type and chat-id', () => {
    const message = roomMessage(stored);
    assert.equal(message.destination, '/topic/rooms/lobby');
    assert.deepEqual([...message.headers], [['content-type', 'application/json'], ['chat-id', '7']]);
    assert.deepEqual(JSON.parse(message.body.toString('utf8')), renderStoredMessage(stored));
    assert.equal(message.isText, true);
    assert.equal(chatIdOf(message), 7);
  });

  it('renders the seed shape for /topic/messages', () => {
    const message = messagesFeedMessage(stored);
    assert.equal(message.destination, '/topic/messages');
    assert.equal(message.body.toString('utf8'), '{"from":"alice","text":"hé 🙂","time":"03:04"}');
  });
});

describe('ChatError', () => {
  it('carries a stable code, a sentence and an HTTP status, and serialises as {error, message}', () => {
    const error = new ChatError('invalid-room');
    assert.equal(error.status, 400);
    assert.deepEqual(JSON.parse(JSON.stringify(error)), { error: 'invalid-room', message: CHAT_ERRORS['invalid-room'].message });
    assert.equal(new ChatError('store-busy').status, 503);
    for (const [code, entry] of Object.entries(CHAT_ERRORS)) {
      assert.match(code, /^[a-z]+(-[a-z]+)*$/);
      assert.match(entry.message, /^[A-Z].*\.$/, code);
    }
  });
});
