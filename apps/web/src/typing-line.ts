import type { ChatMessage } from './chat-message';
import type { RoomFeature, RoomSession } from './chat-controller';
import type { RoomEvent } from '../../../libs/chat-client/src';

/**
 * A typist is forgotten this long after their last "typing", even if the server's own "stopped" (sent 5 s
 * after the last one) never reaches us: a lost event must not leave someone typing for ever.
 */
export const TYPING_SHOWN_MS = 6_000;

/** "ann is typing…", "ann and bob are typing…", "ann, bob and cat are typing…", "4 people are typing…". */
export function typingSentence(users: readonly string[]): string {
  if (users.length === 0) return '';
  if (users.length === 1) return `${users[0]} is typing…`;
  if (users.length > 3) return `${users.length} people are typing…`;
  return `${users.slice(0, -1).join(', ')} and ${users[users.length - 1]} are typing…`;
}

/** The line under the conversation that says who else is typing in the room now. */
export class TypingLine implements RoomFeature {
  private readonly typists = new Map<string, ReturnType<typeof setTimeout>>();
  private me: string | undefined;

  constructor(private readonly line: HTMLElement) {}

  roomChanged(session: RoomSession): void {
    this.me = session.name;
    for (const timer of this.typists.values()) clearTimeout(timer);
    this.typists.clear();
    this.render();
  }

  event(event: RoomEvent): void {
    if (event.type === 'typing' && event.user !== this.me) {
      if (event.typing) this.started(event.user);
      else this.stopped(event.user);
    }
    if (event.type === 'leave') this.stopped(event.user);
  }

  /** Whoever just sent a message has stopped typing it. */
  shown(messages: ChatMessage[]): void {
    for (const message of messages) this.stopped(message.from);
  }

  private started(user: string): void {
    clearTimeout(this.typists.get(user));
    this.typists.set(user, setTimeout(() => this.stopped(user), TYPING_SHOWN_MS));
    this.render();
  }

  private stopped(user: string): void {
    const timer = this.typists.get(user);
    if (timer === undefined) return;
    clearTimeout(timer);
    this.typists.delete(user);
    this.render();
  }

  private render(): void {
    this.line.textContent = typingSentence([...this.typists.keys()]);
  }
}
