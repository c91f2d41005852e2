import type { StompFrame } from '@app/stomp-codec';
import { StompClientError, type SessionContext } from '@app/stomp-session';
import type { StompChannelInterceptor } from '@app/stomp-session';
import { destinationMatcher } from './destination-matcher';

export type DestinationAccess = 'permitAll' | 'denyAll' | 'authenticated' | { roles: readonly string[] };

/** One rule of Spring Security's message matchers: frame types, a destination pattern, who may. */
export interface DestinationRule {
  /** Default: SEND and SUBSCRIBE. */
  commands?: readonly ('SEND' | 'SUBSCRIBE')[];
  /** `/topic/admin/**`, `/app/rooms/*`, or an exact destination. */
  destination: string;
  access: DestinationAccess;
}

/**
 * Declarative authorization of SEND and SUBSCRIBE by destination (Spring's `simpDestMatchers(...)`):
 * rules are tried in order, the first that matches decides, and a frame no rule matches is allowed.
 * End the list with `{ destination: '/**', access: 'denyAll' }` for Spring's `anyMessage().denyAll()`.
 */
export class DestinationAuthorization implements StompChannelInterceptor {
  private readonly rules: { commands: ReadonlySet<string>; matches: (d: string) => boolean; access: DestinationAccess }[];

  constructor(rules: readonly DestinationRule[]) {
    this.rules = rules.map((r) => ({
      commands: new Set(r.commands ?? ['SEND', 'SUBSCRIBE']),
      matches: destinationMatcher(r.destination),
      access: r.access,
    }));
  }

  preSend(frame: StompFrame, session: SessionContext): void {
    if (frame.command !== 'SEND' && frame.command !== 'SUBSCRIBE') return;
    const destination = frame.headers.get('destination');
    if (destination === undefined) return;
    const rule = this.rules.find((r) => r.commands.has(frame.command) && r.matches(destination));
    if (!rule || allowed(rule.access, session)) return;
    throw new StompClientError('forbidden', `You may not ${frame.command === 'SEND' ? 'send to' : 'subscribe to'} ${destination}.`);
  }
}

function allowed(access: DestinationAccess, session: SessionContext): boolean {
  if (access === 'permitAll') return true;
  if (access === 'denyAll') return false;
  if (!session.principal) return false;
  if (access === 'authenticated') return true;
  const roles = session.principal.roles ?? [];
  return access.roles.some((role) => roles.includes(role));
}
