import './styles.css';
import { ChatController, type ChatView, type ConnectionState, type Settings } from './chat-controller';
import { isTransportKind } from './transports/transport';
import { renderMessage } from './message-view';

const STORAGE_KEY = 'stomp-chat.settings';

function byId<T extends HTMLElement>(id: string): T {
  const node = document.getElementById(id);
  if (!node) throw new Error(`the page is missing #${id}`);
  return node as T;
}

const settingsForm = byId<HTMLFormElement>('settings');
const nameInput = byId<HTMLInputElement>('name');
const roomInput = byId<HTMLInputElement>('room');
const transportSelect = byId<HTMLSelectElement>('transport');
const statusPill = byId<HTMLElement>('status');
const roomTitle = byId<HTMLElement>('room-title');
const list = byId<HTMLOListElement>('messages');
const scroller = byId<HTMLElement>('scroller');
const emptyNote = byId<HTMLElement>('empty');
const composer = byId<HTMLFormElement>('composer');
const messageInput = byId<HTMLInputElement>('message');
const sendButton = byId<HTMLButtonElement>('send');
const errorLine = byId<HTMLElement>('composer-error');

const view: ChatView = {
  setStatus(state: ConnectionState, text: string) {
    statusPill.dataset.state = state;
    statusPill.textContent = text;
  },
  setCanSend(canSend: boolean) {
    sendButton.disabled = !canSend;
  },
  showError(text: string | undefined) {
    errorLine.textContent = text ?? '';
    errorLine.hidden = !text;
    messageInput.setAttribute('aria-invalid', text ? 'true' : 'false');
  },
  resetMessages(room: string) {
    list.replaceChildren();
    roomTitle.textContent = `#${room}`;
    document.title = `#${room} · Chat`;
    emptyNote.hidden = false;
  },
  insertMessage(message, index, mine) {
    // Stay pinned to the newest message unless the reader scrolled up to read older ones.
    const pinned = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 80;
    list.insertBefore(renderMessage(message, mine), list.children[index] ?? null);
    emptyNote.hidden = true;
    if (pinned || mine) scroller.scrollTop = scroller.scrollHeight;
  },
};

const controller = new ChatController(view, new URL(location.href));

function readSettings(): Settings {
  const transport = transportSelect.value;
  return {
    name: nameInput.value.trim(),
    room: roomInput.value.trim(),
    transport: isTransportKind(transport) ? transport : 'websocket',
  };
}

/** The query string (handy for links and automation) wins over what the last visit stored. */
function restoreSettings(): void {
  let saved: Partial<Settings> = {};
  try {
    saved = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '{}') as Partial<Settings>;
  } catch {
    /* a corrupt entry is the same as none */
  }
  const query = new URLSearchParams(location.search);
  nameInput.value = query.get('name') ?? saved.name ?? '';
  roomInput.value = query.get('room') ?? saved.room ?? 'lobby';
  const transport = query.get('transport') ?? saved.transport ?? 'websocket';
  transportSelect.value = isTransportKind(transport) ? transport : 'websocket';
}

// Several triggers can fire for one user action (a field's change on blur, then the Connect click):
// collapse them into one reconnect.
let pending = false;
function reconnectSoon(): void {
  if (pending) return;
  pending = true;
  queueMicrotask(() => {
    pending = false;
    const settings = readSettings();
    try {
      localStorage.setItem(STORAGE_KEY, JSON.stringify(settings));
    } catch {
      /* private mode: settings just do not persist */
    }
    controller.connect(settings);
  });
}

settingsForm.addEventListener('submit', (event) => {
  event.preventDefault();
  reconnectSoon();
});
for (const control of [nameInput, roomInput, transportSelect]) control.addEventListener('change', reconnectSoon);

composer.addEventListener('submit', (event) => {
  event.preventDefault();
  const text = messageInput.value;
  void controller.send(text).then((sent) => {
    if (sent && messageInput.value === text) messageInput.value = '';
    messageInput.focus();
  });
});

window.addEventListener('online', () => controller.networkChanged());
window.addEventListener('offline', () => controller.networkChanged());

restoreSettings();
reconnectSoon();
