import { Controller, Get, Req, Res } from '@nestjs/common';
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import { AppConfig } from '@app/config';
import { ChatMetrics } from './chat-metrics';

/**
 * `GET /metrics`: Prometheus text exposition. With METRICS_TOKEN set, only a scraper that sends
 * `Authorization: Bearer <token>` reads it: connection counts and traffic are not for everyone.
 */
@Controller()
@ApiTags('operations')
export class MetricsController {
  private readonly token: Buffer | undefined;

  constructor(
    private readonly metrics: ChatMetrics,
    config: AppConfig,
  ) {
    this.token = config.METRICS_TOKEN === undefined ? undefined : Buffer.from(config.METRICS_TOKEN);
  }

  @Get('metrics')
  @ApiOperation({ summary: 'Prometheus text: connections, subscriptions, messages in and out, drops, by door and protocol.' })
  @ApiProduces('text/plain')
  @ApiBearerAuth('metrics')
  @ApiResponse({ status: 200, description: 'Prometheus text exposition.', content: { 'text/plain': { schema: { type: 'string' } } } })
  @ApiResponse({ status: 401, description: 'METRICS_TOKEN is set and the request does not carry it as a Bearer token.' })
  async metricsText(@Req() req: IncomingMessage, @Res() res: ServerResponse): Promise<void> {
    res.setHeader('Cache-Control', 'no-store');
    if (!this.authorized(req.headers.authorization)) {
      const body = JSON.stringify({ error: 'unauthorized', message: 'GET /metrics needs Authorization: Bearer <METRICS_TOKEN>.' });
      res.writeHead(401, { 'Content-Type': 'application/json; charset=utf-8', 'WWW-Authenticate': 'Bearer realm="metrics"' });
      return void res.end(body);
    }
    const text = await this.metrics.render();
    res.statusCode = 200;
    res.setHeader('Content-Type', this.metrics.contentType);
    res.end(text);
  }

  private authorized(header: string | undefined): boolean {
    if (this.token === undefined) return true;
    const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (!match) return false;
    const given = Buffer.from(match[1]!);
    // Constant time, so the token cannot be guessed byte by byte from response times.
    return given.length === this.token.length && timingSafeEqual(given, this.token);
  }
}
