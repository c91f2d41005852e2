import { Injectable } from '@nestjs/common';
import type { StompHeaders } from '@app/stomp-codec';
import type { BrokerMessage } from '@app/messaging';
import { MessageRouter } from '@app/message-routing';
import type { AppSubscription, ClientError, SessionContext, StompApplication } from '@app/stomp-session';

/**
 * The application every session uses unless an app supplies its own: `/app` goes to the @MessageMapping
 * handlers, every broker destination is open. (Identity is the session's: the AUTHENTICATOR provider, or
 * without one the CONNECT `login` header, anonymous when absent, as in Spring's samples.)
 */
@Injectable()
export class RouterStompApplication implements StompApplication {
  constructor(private readonly router: MessageRouter) {}

  handleSend(ctx: SessionContext, destination: string, headers: StompHeaders, body: Buffer): Promise<boolean> {
    return this.router.dispatchSend(ctx, destination, headers, body);
  }

  handleSubscribe(ctx: SessionContext, subscriptionId: string, destination: string, headers: StompHeaders): Promise<boolean> {
    return this.router.dispatchSubscribe(ctx, subscriptionId, destination, headers);
  }

  openSubscription(): AppSubscription | undefined {
    return undefined;
  }

  reportError(ctx: SessionContext, error: ClientError & { receiptId?: string }): void {
    this.router.reportError(ctx, error);
  }

  /** Unused here; present so that an application can wrap this class and deliver itself. */
  protected deliver(_message: BrokerMessage): void {}
}
