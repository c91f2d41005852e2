import type { StompFrame } from '@app/stomp-codec';
import { StompClientError, type SessionContext } from '@app/stomp-session';
import type { StompChannelInterceptor } from '@app/stomp-session';
import { compileDestinationPattern, type CompiledDestinationPattern } from './destination-matcher';

/** What a `check` access decides on: the frame's session, command and destination, and the pattern's variables. */
export interface DestinationAccessContext {
  readonly session: SessionContext;
  readonly command: 'SEND' | 'SUBSCRIBE';
  readonly destination: string;
  /** The `{name}` segments of the rule's pattern. */
  readonly variables: ReadonlyMap<string, string>;
}

/**
 * Who may: everyone, nobody, any principal, a principal with one of the roles, or an application's own
 * decision (Spring Security's `.access("@rooms.canRead(authentication, #room)")`). A `check` runs on every
 * matching frame, synchronously: it decides from what the application already knows. `false` refuses with
 * `forbidden`; a StompClientError refuses with its own code (an application's `banned`, say), so that the
 * client learns why without the application repeating the rule in its handlers.
 */
export type DestinationAccess =
  | 'permitAll'
  | 'denyAll'
  | 'authenticated'
  | { roles: readonly string[] }
  | { check: (context: DestinationAccessContext) => boolean | StompClientError };

/** One rule of Spring Security's message matchers: frame types, a destination pattern, who may. */
export interface DestinationRule {
  /** Default: SEND and SUBSCRIBE. */
  commands?: readonly ('SEND' | 'SUBSCRIBE')[];
  /** `/topic/admin/**`, `/app/rooms/*`, `/topic/rooms/{room}/**`, or an exact destination. */
  destination: string;
  access: DestinationAccess;
}

/**
 * Declarative authorization of SEND and SUBSCRIBE by destination (Spring's `simpDestMatchers(...)`):
 * rules are tried in order, the first that matches decides, and a frame no rule matches is allowed.
 * End the list with `{ destination: '/**', access: 'denyAll' }` for Spring's `anyMessage().denyAll()`.
 */
export class DestinationAuthorization implements StompChannelInterceptor {
  private readonly rules: { commands: ReadonlySet<string>; pattern: CompiledDestinationPattern; access: DestinationAccess }[];

  constructor(rules: readonly DestinationRule[]) {
    this.rules = rules.map((r) => ({
      commands: new Set(r.commands ?? ['SEND', 'SUBSCRIBE']),
      pattern: compileDestinationPattern(r.destination),
      access: r.access,
    }));
  }

  preSend(frame: StompFrame, session: SessionContext): void {
    const command = frame.command;
    if (command !== 'SEND' && command !== 'SUBSCRIBE') return;
    const destination = frame.headers.get('destination');
    if (destination === undefined) return;
    for (const rule of this.rules) {
      if (!rule.commands.has(command)) continue;
      const variables = rule.pattern.match(destination);
      if (variables === undefined) continue;
      const decision = allowed(rule.access, { session, command, destination, variables });
      if (decision === true) return;
      if (decision instanceof StompClientError) throw decision;
      throw new StompClientError('forbidden', `You may not ${command === 'SEND' ? 'send to' : 'subscribe to'} ${destination}.`);
    }
  }
}

function allowed(access: DestinationAccess, context: DestinationAccessContext): boolean | StompClientError {
  if (access === 'permitAll') return true;
  if (access === 'denyAll') return false;
  if (typeof access === 'object' && 'check' in access) return access.check(context);
  const principal = context.session.principal;
  if (!principal) return false;
  if (access === 'authenticated') return true;
  const roles = principal.roles ?? [];
  return access.roles.some((role) => roles.includes(role));
}
