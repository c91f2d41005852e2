// The admin view: polls GET /api/admin/overview with the token typed in, and shows it. Text only
// (textContent), never markup: room names, users and refusal messages are client data.

interface Overview {
  node: string;
  uptimeSec: number;
  rssBytes: number;
  nodes: { node: string; self: boolean; users: number; lastHeardMsAgo: number }[];
  usersOnline: number;
  doors: { door: string; protocol: string; connections: number; subscriptions: number; messagesIn: number; messagesOut: number; slowConsumerDisconnects: number; rateLimited: number }[];
  rooms: { room: string; present: number }[];
  busiestRooms: { room: string; perMinute: number }[];
  refusals: { at: string; msg: string; door?: string; user?: string; remoteAddress?: string }[];
}

const POLL_MS = 2_000;
const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const statusLine = byId<HTMLParagraphElement>('status');
let token = sessionStorage.getItem('admin-token') ?? '';
let timer: number | undefined;

function rows(tbody: HTMLElement, data: (string | number)[][]): void {
  tbody.replaceChildren(...data.map((cells) => {
    const tr = document.createElement('tr');
    for (const cell of cells) {
      const td = document.createElement('td');
      td.textContent = String(cell);
      tr.append(td);
    }
    return tr;
  }));
}

function show(o: Overview): void {
  byId('overview').hidden = false;
  byId('summary').textContent = `This node ${o.node}, up ${o.uptimeSec} s, ${(o.rssBytes / 1048576).toFixed(0)} MiB; ${o.usersOnline} users signed in across ${o.nodes.length} node(s).`;
  rows(byId('nodes'), o.nodes.map((n) => [n.self ? `${n.node} (this one)` : n.node, n.users, n.self ? 'now' : `${(n.lastHeardMsAgo / 1000).toFixed(1)} s ago`]));
  rows(byId('doors'), o.doors.map((d) => [d.door, d.protocol, d.connections, d.subscriptions, d.messagesIn, d.messagesOut, d.slowConsumerDisconnects, d.rateLimited]));
  rows(byId('rooms'), o.rooms.map((r) => [r.room, r.present]));
  rows(byId('busiest'), o.busiestRooms.map((r) => [r.room, r.perMinute]));
  rows(byId('refusals'), o.refusals.map((r) => [new Date(r.at).toLocaleTimeString(), r.msg, r.door ?? '', r.user ?? '', r.remoteAddress ?? '']));
}

async function poll(): Promise<void> {
  clearTimeout(timer);
  try {
    const res = await fetch('/api/admin/overview', { headers: { authorization: `Bearer ${token}` }, cache: 'no-store' });
    if (res.status === 401 || res.status === 403) {
      byId('overview').hidden = true;
      statusLine.textContent = res.status === 401 ? 'That token is not valid.' : 'That token has no admin role.';
      return;
    }
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    show((await res.json()) as Overview);
    statusLine.textContent = `Live: updated ${new Date().toLocaleTimeString()}.`;
  } catch (error) {
    statusLine.textContent = `Cannot reach the server (${error instanceof Error ? error.message : String(error)}); retrying.`;
  }
  timer = window.setTimeout(() => void poll(), POLL_MS);
}

byId<HTMLFormElement>('login').addEventListener('submit', (event) => {
  event.preventDefault();
  token = byId<HTMLInputElement>('token').value.trim();
  sessionStorage.setItem('admin-token', token);
  void poll();
});
if (token) void poll();
