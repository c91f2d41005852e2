import { ChatClientError, errorFromBody } from '../errors';
import { parseJson, toChatMessage, toChatMessages, toRoomEvent } from '../wire';
import type { ChatMessage, PresenceEvent } from '../types';
import type { LinkContext } from './link';

/** Aborts when either the caller's signal does or the time is up; `done()` releases the timer. */
export function deadline(ms: number, outer?: AbortSignal): { signal: AbortSignal; expired: () => boolean; done: () => void } {
  const controller = new AbortController();
  let expired = false;
  const timer = setTimeout(() => {
    expired = true;
    controller.abort();
  }, ms);
  const onAbort = (): void => controller.abort();
  outer?.addEventListener('abort', onAbort);
  if (outer?.aborted) controller.abort();
  return {
    signal: controller.signal,
    expired: () => expired,
    done: () => {
      clearTimeout(timer);
      outer?.removeEventListener('abort', onAbort);
    },
  };
}

/** The room paths of the REST door (docs/http.md): what SSE and long polling send with, and fall back to. */
export class RestClient {
  constructor(private readonly ctx: LinkContext) {}

  url(path: string): URL {
    return new URL(path, this.ctx.base);
  }

  roomUrl(room: string, suffix = ''): URL {
    return this.url(`/api/rooms/${encodeURIComponent(room)}${suffix}`);
  }

  headers(extra: Record<string, string> = {}): Record<string, string> {
    return { ...(this.ctx.token !== undefined && { authorization: `Bearer ${this.ctx.token}` }), ...extra };
  }

  /**
   * One request; a refusal becomes the server's code. `timeoutMs` 0 leaves the time to the caller's
   * signal (a held poll).
   */
  async request(url: URL, init: RequestInit & { room?: string; timeoutMs?: number } = {}): Promise<unknown> {
    const { room, timeoutMs = this.ctx.requestTimeoutMs, ...rest } = init;
    const time = deadline(timeoutMs > 0 ? timeoutMs : 2 ** 31 - 1, init.signal ?? undefined);
    let res: Response;
    let text: string;
    try {
      res = await this.ctx.platform.fetch(url, { cache: 'no-store', ...rest, headers: this.headers(rest.headers as Record<string, string>), signal: time.signal });
      text = await res.text();
    } catch {
      if (time.expired()) throw new ChatClientError('timeout', 'The server did not answer in time.', { ...(room !== undefined && { room }) });
      throw new ChatClientError('connection-lost', 'Could not reach the server.', { ...(room !== undefined && { room }) });
    } finally {
      time.done();
    }
    const body = text === '' ? undefined : parseJson(text);
    if (res.ok) return body;
    const details = { status: res.status, ...(room !== undefined && { room }) };
    const refused = errorFromBody(body, details);
    if (refused) throw refused;
    // A proxy's answer while no node is reachable: the same as no connection.
    if (res.status === 502 || res.status === 503 || res.status === 504) throw new ChatClientError('connection-lost', `The server is unavailable (${res.status}).`, details);
    throw new ChatClientError('protocol-error', `The server answered ${res.status}.`, details);
  }

  /** Without `after` the room's latest `limit`; with it the oldest ones after it (up to 500). */
  async messages(room: string, after: number | undefined, signal?: AbortSignal): Promise<ChatMessage[]> {
    const url = this.roomUrl(room, '/messages');
    if (after !== undefined) url.searchParams.set('after', String(after));
    url.searchParams.set('limit', String(after === undefined ? this.ctx.historyLimit : 500));
    return toChatMessages(await this.request(url, { room, ...(signal && { signal }) }));
  }

  async post(room: string, text: string, clientMessageId: string): Promise<ChatMessage | undefined> {
    const body = await this.request(this.roomUrl(room, '/messages'), {
      room,
      method: 'POST',
      headers: { 'content-type': 'application/json', 'client-message-id': clientMessageId },
      body: JSON.stringify({ text, ...(this.ctx.name !== undefined && { from: this.ctx.name }) }),
    });
    return toChatMessage(body);
  }

  async read(room: string, lastReadId: number): Promise<void> {
    await this.json(room, '/read', 'PUT', { lastReadId });
  }

  async edit(room: string, id: number, text: string): Promise<void> {
    await this.json(room, `/messages/${id}`, 'PATCH', { text });
  }

  async remove(room: string, id: number): Promise<void> {
    await this.request(this.roomUrl(room, `/messages/${id}`), { room, method: 'DELETE' });
  }

  async presence(room: string): Promise<PresenceEvent> {
    const event = toRoomEvent(await this.request(this.roomUrl(room, '/presence'), { room }), room);
    if (event?.type !== 'presence') throw new ChatClientError('protocol-error', 'The presence answer is not a presence snapshot.', { room });
    return event;
  }

  private json(room: string, suffix: string, method: string, body: unknown): Promise<unknown> {
    return this.request(this.roomUrl(room, suffix), { room, method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  }
}
