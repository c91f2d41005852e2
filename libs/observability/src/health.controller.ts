import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { CHAT_REPOSITORY, type ChatRepository } from '@app/chat';
import { BROKER, type BrokerPort } from '@app/messaging';

/** A database that does not answer within this long counts as down: /health must answer promptly. */
const PING_TIMEOUT_MS = 2_000;

export interface ComponentHealth {
  status: 'up' | 'down';
  detail?: string;
}

export interface HealthReport {
  status: 'ok' | 'down';
  database: ComponentHealth;
  broker: ComponentHealth;
}

const COMPONENT_SCHEMA = { type: 'object', properties: { status: { type: 'string', enum: ['up', 'down'] }, detail: { type: 'string' } } };
const HEALTH_SCHEMA = {
  type: 'object',
  properties: { status: { type: 'string', enum: ['ok', 'down'] }, database: COMPONENT_SCHEMA, broker: COMPONENT_SCHEMA },
};

/**
 * `GET /health/live`: 200 while the process serves (a liveness probe: restarting would not help with a
 * database or broker that is away). `GET /health/ready` and `GET /health`: 200 `{"status":"ok",...}`, or
 * 503 with `"status":"down"` and the reason when the database or the broker (relay) is down, so that a load
 * balancer sends no new clients to a node that cannot deliver live; its sessions stay and are caught up.
 */
@Controller()
@ApiTags('operations')
export class HealthController {
  constructor(
    @Inject(CHAT_REPOSITORY) private readonly repository: ChatRepository,
    @Inject(BROKER) private readonly broker: BrokerPort,
  ) {}

  @Get('health/live')
  @ApiOperation({ summary: 'Liveness: 200 while the process serves.' })
  @ApiOkResponse({ schema: { type: 'object', properties: { status: { type: 'string', enum: ['ok'] } } } })
  live(@Res({ passthrough: true }) res: ServerResponse): { status: 'ok' } {
    res.setHeader('Cache-Control', 'no-store');
    return { status: 'ok' };
  }

  @Get(['health', 'health/ready'])
  @ApiOperation({ summary: 'Readiness: the database and the broker (relay) are up.' })
  @ApiOkResponse({ schema: HEALTH_SCHEMA })
  @ApiServiceUnavailableResponse({ description: 'The database or the broker is down; `detail` says why.', schema: HEALTH_SCHEMA })
  async health(@Res({ passthrough: true }) res: ServerResponse): Promise<HealthReport> {
    const [database, broker] = await Promise.all([this.database(), this.brokerHealth()]);
    const up = database.status === 'up' && broker.status === 'up';
    res.statusCode = up ? 200 : 503;
    res.setHeader('Cache-Control', 'no-store');
    return { status: up ? 'ok' : 'down', database, broker };
  }

  private async database(): Promise<ComponentHealth> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${PING_TIMEOUT_MS} ms`)), PING_TIMEOUT_MS);
    });
    try {
      await Promise.race([this.repository.ping(), timeout]);
      return { status: 'up' };
    } catch (err) {
      return { status: 'down', detail: describe(err) };
    } finally {
      clearTimeout(timer);
    }
  }

  private brokerHealth(): ComponentHealth {
    try {
      const health = this.broker.health();
      return health.up ? { status: 'up', ...(health.detail ? { detail: health.detail } : {}) }
        : { status: 'down', detail: health.detail ?? 'broker is down' };
    } catch (err) {
      return { status: 'down', detail: describe(err) };
    }
  }
}

/** One line for the report: the error's message, never its stack. */
function describe(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split('\n', 1)[0].slice(0, 200);
}
