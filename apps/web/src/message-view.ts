import type { ChatMessage } from './chat-message';

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const fullFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  node.className = className;
  // textContent only: message text and names are user input and must never become markup.
  if (text !== undefined) node.textContent = text;
  return node;
}

/** A stable hue per sender so that a conversation is easy to follow at a glance. */
function hueOf(name: string): number {
  let hash = 0;
  for (let i = 0; i < name.length; i++) hash = (hash * 31 + name.charCodeAt(i)) | 0;
  return Math.abs(hash) % 360;
}

/** One list item: avatar initial, sender, time, text; "edited" after an edit, a tombstone once deleted. */
export function renderMessage(message: ChatMessage, mine: boolean): HTMLLIElement {
  const item = el('li', `message${mine ? ' mine' : ''}${message.deleted ? ' deleted' : ''}`);
  item.dataset.id = String(message.id);
  const avatar = el('span', 'avatar', (Array.from(message.from.trim())[0] ?? '?').toUpperCase());
  avatar.setAttribute('aria-hidden', 'true');
  avatar.style.setProperty('--hue', String(hueOf(message.from)));

  const bubble = el('div', 'bubble');
  const meta = el('p', 'meta');
  meta.append(el('span', 'from', message.from));

  const sent = new Date(message.sentAt);
  const valid = !Number.isNaN(sent.getTime());
  const time = el('time', 'time', valid ? timeFormat.format(sent) : message.time);
  if (valid) {
    time.dateTime = message.sentAt;
    time.title = fullFormat.format(sent);
  }
  meta.append(' ', time);
  if (message.editedAt && !message.deleted) {
    const edited = el('span', 'edited', 'edited');
    const at = new Date(message.editedAt);
    if (!Number.isNaN(at.getTime())) edited.title = `Edited ${fullFormat.format(at)}`;
    meta.append(' ', edited);
  }
  bubble.append(meta, message.deleted ? el('p', 'text tombstone', 'This message was deleted.') : el('p', 'text', message.text));
  item.append(avatar, bubble);
  return item;
}
