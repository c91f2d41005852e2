import { Module, type DynamicModule } from '@nestjs/common';
import { MetricsModule } from '@app/observability';
import { HttpTransportsModule } from './http/http-transports.module';
import type { HttpTransportOptions } from './http/http-transport-options';
import { SocketIoTransport } from './socketio/socketio.transport';
import { TransportGateway } from './transport-gateway';

/** Every door: the socket ones (TransportGateway, with Socket.IO) and the HTTP ones (REST, SSE, long polling). */
@Module({})
export class TransportsModule {
  static forRoot(options: { http?: Partial<HttpTransportOptions> } = {}): DynamicModule {
    const http = HttpTransportsModule.forRoot({ http: options.http });
    return {
      module: TransportsModule,
      imports: [MetricsModule, http],
      providers: [SocketIoTransport, TransportGateway],
      exports: [TransportGateway, SocketIoTransport],
    };
  }
}
