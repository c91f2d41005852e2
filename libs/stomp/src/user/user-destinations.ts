import { Injectable } from '@nestjs/common';
import { UserSessionRegistry } from './user-session.registry';

/** The prefix clients subscribe under: `/user/queue/x` means "my own /queue/x". */
export const USER_PREFIX = '/user/';
const USER_QUEUE_PREFIX = '/user/queue/';
const QUEUE_PREFIX = '/queue/';
const SESSION_MARK = '-user';

/**
 * Where "send to user U" is published once so that every node resolves U against its own sessions.
 * Outside /topic and /queue so that no client can address it, and reserved on top of that.
 */
export const USER_BROADCAST_DESTINATION = '/system/user-broadcast';
/**
 * Headers the broadcast carries (and that are stripped before the per-session publish). Application
 * header names (application-headers.ts), so that they travel through the relay like any other.
 */
export const USER_TARGET_HEADER = 'user-target';
export const USER_DESTINATION_HEADER = 'user-destination';

/** A broker destination with a session suffix at its end: `/queue/<anything>-user<id>`. */
const SESSION_DESTINATION = /^\/queue\/.+-user[^/]+$/s;

export class UserDestinationError extends Error {
  override readonly name = 'UserDestinationError';
  readonly code = 'bad-user-destination';
}

/**
 * Spring's DefaultUserDestinationResolver idea: a client that subscribes to `/user/queue/x` is really
 * subscribed to a destination only its session owns, `/queue/x-user<sessionId>`; sending to a user
 * publishes to the destination of each of the user's sessions.
 *
 * MESSAGE frames must still name `/user/queue/x`. The session keeps `clientDestination` from
 * resolveSubscribe() next to its subscription id and uses it when it encodes a MESSAGE for that
 * subscription; toClientDestination() computes the same thing from a broker destination alone (so it also
 * works for messages that went through the relay, which carries only the broker destination).
 *
 * Smuggling: a client must never subscribe (or send) directly to `/queue/x-user<someone>`, whoever the
 * someone is. isReservedDestination() says so without looking at which sessions exist, so a session id
 * that connects later cannot have been subscribed to in advance. The price: a plain `/queue` destination
 * ending in `-user<something>` (e.g. `/queue/power-users`) is refused too.
 */
@Injectable()
export class UserDestinations {
  constructor(private readonly sessions: UserSessionRegistry) {}

  isUserDestination(destination: string): boolean {
    return destination.startsWith(USER_PREFIX);
  }

  /** True for destinations a client may not SUBSCRIBE or SEND to directly. */
  isReservedDestination(destination: string): boolean {
    return destination.startsWith('/system/') || SESSION_DESTINATION.test(destination);
  }

  /**
   * SUBSCRIBE `/user/queue/x` from session S → `/queue/x-user<S>`. Throws UserDestinationError for any
   * other `/user/` form (`/user/alice/queue/x` included: nobody subscribes to someone else's queue).
   */
  resolveSubscribe(destination: string, sessionId: string): { brokerDestination: string; clientDestination: string } {
    if (!destination.startsWith(USER_QUEUE_PREFIX) || destination.length === USER_QUEUE_PREFIX.length) {
      throw new UserDestinationError(`user destinations look like /user/queue/<name>, not "${destination}"`);
    }
    const queue = destination.slice(USER_PREFIX.length - 1);
    return { brokerDestination: this.sessionDestination(sessionId, queue), clientDestination: destination };
  }

  /** `/queue/x-user<S>` for session S → `/user/queue/x`; any other destination is returned unchanged. */
  toClientDestination(brokerDestination: string, sessionId: string): string {
    const suffix = SESSION_MARK + sessionId;
    if (brokerDestination.startsWith(QUEUE_PREFIX) && brokerDestination.endsWith(suffix)) {
      const queue = brokerDestination.slice(0, brokerDestination.length - suffix.length);
      if (queue.length > QUEUE_PREFIX.length) return '/user' + queue;
    }
    return brokerDestination;
  }

  /** "Send to session S at /queue/x" → `/queue/x-user<S>`. `/user/queue/x` is accepted as `/queue/x`. */
  sessionDestination(sessionId: string, destination: string): string {
    if (sessionId.length === 0 || sessionId.includes('/')) {
      throw new UserDestinationError(`session id "${sessionId}" cannot name a user destination`);
    }
    return this.queueOf(destination) + SESSION_MARK + sessionId;
  }

  /** "Send to user U at /queue/x" → the destination of each of U's sessions on this node. */
  userDestinations(user: string, destination: string): string[] {
    const queue = this.queueOf(destination);
    return [...this.sessions.sessionsOf(user)].map((sessionId) => this.sessionDestination(sessionId, queue));
  }

  /** Checks a "to user" target and returns it as `/queue/x`. */
  queueOf(destination: string): string {
    const queue = destination.startsWith(USER_QUEUE_PREFIX) ? destination.slice(USER_PREFIX.length - 1) : destination;
    if (!queue.startsWith(QUEUE_PREFIX) || queue.length === QUEUE_PREFIX.length) {
      throw new UserDestinationError(`messages to a user go to /queue/<name>, not "${destination}"`);
    }
    return queue;
  }
}
