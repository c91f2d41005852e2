import './styles.css';
import { ChatController, type ChatView, type ConnectionState, type Settings } from './chat-controller';
import { HistoryPager } from './history-pager';
import { isModerator, readToken, tokenFromFragment, type Identity } from './identity';
import { MemberList } from './member-list';
import { MessageActions } from './message-actions';
import { renderMessage } from './message-view';
import { ReadTracker } from './read-tracker';
import { RoomList } from './room-list';
import { isTransportKind } from './transports/transport';
import { TypingLine } from './typing-line';
import { TypingNotifier } from './typing-notifier';

const STORAGE_KEY = 'stomp-chat.settings';
/** Per tab and gone with it: a token is a credential, kept out of localStorage. */
const TOKEN_KEY = 'stomp-chat.token';
/** Below this width the rooms and people panels start folded, over the conversation when opened. */
const NARROW = '(max-width: 899px)';

function byId<T extends HTMLElement>(id: string): T {
  const node = document.getElementById(id);
  if (!node) throw new Error(`the page is missing #${id}`);
  return node as T;
}

const settingsForm = byId<HTMLFormElement>('settings');
const nameInput = byId<HTMLInputElement>('name');
const roomInput = byId<HTMLInputElement>('room');
const transportSelect = byId<HTMLSelectElement>('transport');
const tokenInput = byId<HTMLInputElement>('token');
const tokenNote = byId<HTMLElement>('token-note');
const statusPill = byId<HTMLElement>('status');
const roomTitle = byId<HTMLElement>('room-title');
const list = byId<HTMLOListElement>('messages');
const scroller = byId<HTMLElement>('scroller');
const emptyNote = byId<HTMLElement>('empty');
const composer = byId<HTMLFormElement>('composer');
const messageInput = byId<HTMLInputElement>('message');
const sendButton = byId<HTMLButtonElement>('send');
const errorLine = byId<HTMLElement>('composer-error');
const base = new URL(location.href);

/** Who the page speaks for: the token's user when there is one, else the name typed. */
let identity: Identity | undefined;

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
    const item = renderMessage(message, mine);
    actions.decorate(item, message, mine);
    list.insertBefore(item, list.children[index] ?? null);
    emptyNote.hidden = true;
    if (pinned || mine) scroller.scrollTop = scroller.scrollHeight;
  },
  updateMessage(message, mine) {
    const old = list.querySelector(`li[data-id="${message.id}"]`);
    if (!old) return;
    const hadFocus = old.contains(document.activeElement);
    const item = renderMessage(message, mine);
    actions.decorate(item, message, mine);
    old.replaceWith(item);
    // A keyboard user who just edited or deleted stays on this message (or, once it is a tombstone, in the conversation).
    if (hadFocus) (item.querySelector<HTMLElement>('button[data-action="edit"]') ?? scroller).focus();
  },
};

const controller = new ChatController(view, base);
// The view above draws through it; it needs the controller, so it is made second (nothing is drawn before connect).
const actions = new MessageActions(list, controller, () => identity, () => {
  // The server knows who edits: a token's user on every door, or a named STOMP session's login. Over
  // REST (SSE, long polling, Socket.IO's edits) an anonymous name is only what the body says.
  const transport = controller.session?.transport ?? 'websocket';
  return identity?.token !== undefined || (identity !== undefined && (transport === 'websocket' || transport.startsWith('sockjs')));
});
const typingLine = new TypingLine(byId('typing'));
const typingNotifier = new TypingNotifier((typing) => controller.typing(typing));
controller.use(typingLine);
controller.use({ roomChanged: () => typingNotifier.reset(), opened: () => typingNotifier.reset() });
controller.use(new HistoryPager(controller, { scroller, button: byId('older'), note: byId('history-note') }));
controller.use(new ReadTracker(controller, base));
controller.use(
  new RoomList(
    base,
    {
      list: byId('room-list'),
      form: byId('room-form'),
      name: byId('new-room'),
      private: byId('new-room-private'),
      join: byId('join-room'),
      create: byId('create-room'),
      error: byId('room-form-error'),
      hint: byId('room-form-hint'),
    },
    (room) => {
      roomInput.value = room;
      if (matchMedia(NARROW).matches) byId<HTMLDetailsElement>('rooms-panel').open = false;
      reconnectSoon();
    },
  ),
);
controller.use(
  new MemberList(
    base,
    {
      list: byId('people'),
      count: byId('people-count'),
      membership: byId('membership'),
      addForm: byId('add-member'),
      addName: byId('add-member-name'),
      error: byId('people-error'),
    },
    () => identity !== undefined && isModerator(identity),
  ),
);

/** Reads the token field: the name field follows a token's user and cannot say otherwise. */
function readIdentity(): Identity | undefined {
  const token = tokenInput.value.trim();
  if (token === '') {
    nameInput.readOnly = false;
    tokenNote.textContent = 'Optional: needed when the server asks for sign-in.';
    tokenInput.setAttribute('aria-invalid', 'false');
    const name = nameInput.value.trim();
    return name ? { name, roles: [] } : undefined;
  }
  const claims = readToken(token);
  if (!claims) {
    tokenNote.textContent = 'This is not a token the page can read (a JWT has three parts).';
    tokenInput.setAttribute('aria-invalid', 'true');
    return undefined;
  }
  nameInput.value = claims.sub;
  nameInput.readOnly = true;
  tokenInput.setAttribute('aria-invalid', 'false');
  tokenNote.textContent = `Signed in as ${claims.sub}${claims.roles.length > 0 ? ` (${claims.roles.join(', ')})` : ''}.`;
  return { name: claims.sub, token, roles: claims.roles };
}

function readSettings(): Settings {
  const transport = transportSelect.value;
  identity = readIdentity();
  return {
    name: nameInput.value.trim(),
    room: roomInput.value.trim(),
    transport: isTransportKind(transport) ? transport : 'websocket',
    ...(identity?.token && { token: identity.token }),
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
  const handedOver = tokenFromFragment(location.hash);
  if (handedOver !== undefined) history.replaceState(null, '', location.pathname + location.search);
  tokenInput.value = handedOver ?? sessionStorage.getItem(TOKEN_KEY) ?? '';
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
      const { name, room, transport } = settings;
      localStorage.setItem(STORAGE_KEY, JSON.stringify({ name, room, transport }));
      if (settings.token) sessionStorage.setItem(TOKEN_KEY, settings.token);
      else sessionStorage.removeItem(TOKEN_KEY);
    } catch {
      /* private mode: settings just do not persist */
    }
    if (tokenInput.value.trim() !== '' && !settings.token) return;
    controller.connect(settings);
  });
}

settingsForm.addEventListener('submit', (event) => {
  event.preventDefault();
  reconnectSoon();
});
for (const control of [nameInput, roomInput, transportSelect, tokenInput]) control.addEventListener('change', reconnectSoon);
// The name follows a pasted token at once, before any reconnect.
tokenInput.addEventListener('input', () => void readIdentity());

composer.addEventListener('submit', (event) => {
  event.preventDefault();
  const text = messageInput.value;
  void controller.send(text).then((sent) => {
    if (sent) typingNotifier.stop();
    if (sent && messageInput.value === text) messageInput.value = '';
    messageInput.focus();
  });
});
messageInput.addEventListener('input', () => typingNotifier.input(messageInput.value));

window.addEventListener('online', () => controller.networkChanged());
window.addEventListener('offline', () => controller.networkChanged());

if (matchMedia(NARROW).matches) {
  for (const panel of document.querySelectorAll<HTMLDetailsElement>('details.panel')) panel.open = false;
}

restoreSettings();
reconnectSoon();
