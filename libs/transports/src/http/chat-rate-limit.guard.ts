import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AppConfig } from '@app/config';
import { ChatMetrics, type TransportCounters } from '@app/observability';
import { AddressRateLimiter } from '@app/stomp-transport';
import { ClientAddress } from '../client-address';
import { HttpError } from './http-error';

/**
 * RATE_LIMIT_PER_SEC / RATE_LIMIT_BURST for HTTP handlers that send chat messages, one bucket per client
 * address (ClientAddress: the peer, or who a trusted proxy names). A guard runs once Nest has resolved
 * the route, so every spelling Express routes to the handler (`/API/ROOMS/x/MESSAGES`, a trailing
 * slash, ...) is counted; put `@UseGuards(ChatRateLimitGuard)` on each such handler.
 */
@Injectable()
export class ChatRateLimitGuard implements CanActivate {
  private readonly limiter: AddressRateLimiter;
  private readonly counters: TransportCounters;

  constructor(
    config: AppConfig,
    private readonly addresses: ClientAddress,
    metrics: ChatMetrics,
  ) {
    this.limiter = new AddressRateLimiter(config.RATE_LIMIT_PER_SEC, config.RATE_LIMIT_BURST);
    this.counters = metrics.forDoor('rest');
  }

  canActivate(context: ExecutionContext): boolean {
    const http = context.switchToHttp();
    if (this.limiter.take(this.addresses.of(http.getRequest<IncomingMessage>()))) return true;
    this.counters.rateLimited++;
    http.getResponse<ServerResponse>().setHeader('Retry-After', '1');
    throw new HttpError(429, 'rate-limited', 'You are sending messages too fast; slow down.');
  }
}
