import { Inject, Injectable, Optional } from '@nestjs/common';
import type { StompHeaders } from '@app/stomp-codec';
import type { BrokerMessage } from '@app/messaging';
import { MessageRouter } from '@app/message-routing';
import {
  AuthenticationError, type ClientError, type Principal, type SessionContext, type StompApplication,
} from '@app/stomp-session';

/** Who a CONNECT is (Spring's ChannelInterceptor on CONNECT + a Principal): resolve, or throw AuthenticationError. */
export interface StompAuthenticator {
  authenticate(connectHeaders: StompHeaders): Promise<Principal | undefined>;
}
export const STOMP_AUTHENTICATOR = Symbol('StompAuthenticator');

const LOGIN = /^[^\p{Cc}\p{Cf}]{1,64}$/u;

/**
 * The application every session uses unless an app supplies its own: `/app` goes to the @MessageMapping
 * handlers, every broker destination is open, identity comes from the STOMP_AUTHENTICATOR provider or,
 * without one, from the CONNECT `login` header (anonymous when absent), as in Spring's samples.
 */
@Injectable()
export class RouterStompApplication implements StompApplication {
  constructor(
    private readonly router: MessageRouter,
    @Optional() @Inject(STOMP_AUTHENTICATOR) private readonly authenticator?: StompAuthenticator,
  ) {}

  async authenticate(headers: StompHeaders): Promise<Principal | undefined> {
    if (this.authenticator) return this.authenticator.authenticate(headers);
    const login = headers.get('login');
    if (login === undefined || login === '') return undefined;
    if (!LOGIN.test(login)) throw new AuthenticationError('invalid login: 1 to 64 characters, no control characters');
    return { name: login };
  }

  handleSend(ctx: SessionContext, destination: string, headers: StompHeaders, body: Buffer): Promise<boolean> {
    return this.router.dispatchSend(ctx, destination, headers, body);
  }

  handleSubscribe(ctx: SessionContext, subscriptionId: string, destination: string, headers: StompHeaders): Promise<boolean> {
    return this.router.dispatchSubscribe(ctx, subscriptionId, destination, headers);
  }

  openSubscription(): (() => void) | undefined {
    return undefined;
  }

  reportError(ctx: SessionContext, error: ClientError & { receiptId?: string }): void {
    this.router.reportError(ctx, error);
  }

  /** Unused here; present so that an application can wrap this class and deliver itself. */
  protected deliver(_message: BrokerMessage): void {}
}
