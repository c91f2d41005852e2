export { ChatMetrics } from './chat-metrics';
export { TransportCounters } from './transport-counters';
export { MetricsModule } from './metrics.module';
export { ObservabilityModule } from './observability.module';
export { HealthController, type HealthReport, type ComponentHealth } from './health.controller';
export { MetricsController } from './metrics.controller';
export { AppLogger, escapeControl, type AppLoggerOptions, type LogRecord } from './app-logger';
export { RecentRefusals, recentRefusals, type RefusalRecord } from './recent-refusals';
