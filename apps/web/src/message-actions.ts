import { ChatClientError } from '../../../libs/chat-client/src';
import { MAX_TEXT, type ChatMessage } from './chat-message';
import type { ChatController } from './chat-controller';
import { isModerator, type Identity } from './identity';
import { el } from './message-view';
import { rovingFocus } from './roving-focus';

function button(action: string, text: string, label: string): HTMLButtonElement {
  const b = el('button', 'link-button', text);
  b.type = 'button';
  b.dataset.action = action;
  b.setAttribute('aria-label', label);
  return b;
}

/**
 * Edit and delete on the messages of the list: authors edit and delete their own, moderators and admins
 * delete anyone's (the server decides; the buttons only follow what it would allow). The change is shown
 * at once; the room event that brings it to every other page changes nothing more here.
 */
export class MessageActions {
  constructor(
    list: HTMLOListElement,
    private readonly controller: ChatController,
    private readonly identity: () => Identity | undefined,
    /** Whether the user's edits and deletions can be told apart from anyone's: see decorate(). */
    private readonly trusted: () => boolean,
  ) {
    list.addEventListener('click', (event) => {
      const target = (event.target as HTMLElement).closest<HTMLButtonElement>('button[data-action]');
      const item = target?.closest<HTMLLIElement>('li[data-id]');
      if (target && item) this.act(target.dataset.action ?? '', item);
    });
    // All messages' buttons are one Tab stop (the newest message's, at first); arrow keys go through them.
    rovingFocus(list, 'button[data-action]', (buttons) => buttons[buttons.length - 1]);
  }

  /** Adds the controls this user has over the message, if any. */
  decorate(item: HTMLLIElement, message: ChatMessage, mine: boolean): void {
    const me = this.identity();
    if (message.deleted || !me || !this.trusted()) return;
    const bar = el('div', 'actions');
    if (mine) bar.append(button('edit', 'Edit', 'Edit message'));
    if (mine || isModerator(me)) bar.append(button('delete', 'Delete', mine ? 'Delete message' : `Delete message by ${message.from}`));
    if (bar.childElementCount > 0) item.querySelector('.bubble')?.append(bar);
  }

  private act(action: string, item: HTMLLIElement): void {
    const message = this.controller.messageById(Number(item.dataset.id));
    if (!message) return;
    if (action === 'edit') this.startEdit(item, message);
    else if (action === 'delete') this.confirmDelete(item);
    else if (action === 'confirm-delete') void this.delete(item, message);
    else if (action === 'keep') this.restoreBar(item, message, 'delete');
  }

  private startEdit(item: HTMLLIElement, message: ChatMessage): void {
    const text = item.querySelector<HTMLElement>('.text');
    if (!text || item.querySelector('form')) return;
    const form = el('form', 'edit-form');
    const input = el('input', 'edit-input');
    input.value = message.text;
    input.maxLength = MAX_TEXT;
    input.setAttribute('aria-label', 'Edited message');
    const save = el('button', 'button primary small', 'Save');
    save.type = 'submit';
    const cancel = el('button', 'button secondary small', 'Cancel');
    cancel.type = 'button';
    const error = el('p', 'error');
    error.setAttribute('role', 'alert');
    error.hidden = true;
    form.append(input, save, cancel, error);
    text.replaceWith(form);
    item.querySelector('.actions')?.setAttribute('hidden', '');
    input.focus();
    input.select();

    const close = (): void => {
      form.replaceWith(text);
      this.restoreBar(item, message, 'edit');
    };
    cancel.addEventListener('click', close);
    input.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') close();
    });
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const draft = input.value.trim();
      if (draft === message.text) return close();
      if (draft === '') return this.say(error, 'Type a message first; to remove it, delete it.');
      save.disabled = true;
      // Once saved, the list item is drawn anew in its edited state (and this form goes with the old one).
      this.controller
        .edit(message, draft)
        .catch((e: unknown) => this.say(error, e instanceof ChatClientError ? e.message : 'The edit was not saved.'))
        .finally(() => {
          save.disabled = false;
        });
    });
  }

  private confirmDelete(item: HTMLLIElement): void {
    const bar = item.querySelector<HTMLElement>('.actions');
    if (!bar) return;
    const question = el('span', 'confirm', 'Delete this message?');
    const yes = button('confirm-delete', 'Delete', 'Confirm delete');
    bar.replaceChildren(question, ' ', yes, ' ', button('keep', 'Keep', 'Keep message'));
    yes.focus();
  }

  private async delete(item: HTMLLIElement, message: ChatMessage): Promise<void> {
    const bar = item.querySelector<HTMLElement>('.actions');
    bar?.querySelectorAll('button').forEach((b) => (b.disabled = true));
    try {
      await this.controller.delete(message);
    } catch (e) {
      const error = el('p', 'error', e instanceof ChatClientError ? e.message : 'The message was not deleted.');
      error.setAttribute('role', 'alert');
      bar?.querySelectorAll('button').forEach((b) => (b.disabled = false));
      bar?.append(error);
    }
  }

  /** The bar as it was, focus back on the button that opened what just closed. */
  private restoreBar(item: HTMLLIElement, message: ChatMessage, focus: string): void {
    item.querySelector('.actions')?.remove();
    const mine = item.classList.contains('mine');
    this.decorate(item, message, mine);
    item.querySelector<HTMLElement>(`button[data-action="${focus}"]`)?.focus();
  }

  private say(line: HTMLElement, text: string): void {
    line.textContent = text;
    line.hidden = false;
  }
}
