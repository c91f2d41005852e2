import { Controller, Get, Res } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import { ChatMetrics } from './chat-metrics';

/** `GET /metrics`: Prometheus text exposition. */
@Controller()
export class MetricsController {
  constructor(private readonly metrics: ChatMetrics) {}

  @Get('metrics')
  async metricsText(@Res() res: ServerResponse): Promise<void> {
    const text = await this.metrics.render();
    res.statusCode = 200;
    res.setHeader('Content-Type', this.metrics.contentType);
    res.setHeader('Cache-Control', 'no-store');
    res.end(text);
  }
}
