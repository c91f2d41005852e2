// #11 item 6: Nest gateways on the broker's server. RoutedWsAdapter (the ws adapter of @nestjs/platform-ws)
// puts each gateway's path on the broker's one upgrade router, so a gateway, STOMP and unknown paths
// each get what they should on one port; the stock adapter would destroy every upgrade it has no gateway for.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { Module, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MessageBody, SubscribeMessage, WebSocketGateway, type OnGatewayInit } from '@nestjs/websockets';
import WebSocket from 'ws';
import { RoutedWsAdapter, StompBrokerModule, StompEndpointServer, reject, type RoutedWsServer } from '@app/stomp';
import { RawStomp } from '../support/raw-stomp';

@WebSocketGateway({ path: '/echo' })
class EchoGateway {
  @SubscribeMessage('ping')
  ping(@MessageBody() data: unknown) {
    return { event: 'pong', data };
  }
}

/** Refuses a handshake without `?key=open` before any WebSocket exists. */
@WebSocketGateway({ path: '/guarded' })
class GuardedGateway implements OnGatewayInit<RoutedWsServer> {
  afterInit(server: RoutedWsServer): void {
    server.handshake = async (req, socket) => {
      if (req.url?.endsWith('?key=open')) return true;
      reject(socket, 401, 'Unauthorized');
      return false;
    };
  }
}

@Module({
  imports: [StompBrokerModule.forRoot({ endpoints: [{ path: '/stomp', sockjs: false }] })],
  providers: [EchoGateway, GuardedGateway],
})
class GatewayApp {}

let app: INestApplication;
let base = '';
before(async () => {
  app = await NestFactory.create(GatewayApp, { logger: false, bodyParser: false });
  app.useWebSocketAdapter(new RoutedWsAdapter(app, app.get(StompEndpointServer).router));
  await app.listen(0, '127.0.0.1');
  base = `ws://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
});
after(async () => void (await app.close()));

/** The HTTP status of a refused upgrade, or 101 when it is accepted; 0 when the socket is cut without an answer. */
function upgradeStatus(path: string): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`${base}${path}`);
    ws.once('open', () => { ws.close(); resolve(101); });
    ws.once('unexpected-response', (_req, res) => { res.resume(); resolve(res.statusCode ?? -1); });
    ws.once('error', () => resolve(0));
  });
}

describe('#11 RoutedWsAdapter: Nest gateways beside the STOMP endpoint on one server', () => {
  it('a @SubscribeMessage gateway answers on its path', async () => {
    const ws = new WebSocket(`${base}/echo`);
    await new Promise((resolve, rejected) => { ws.once('open', resolve); ws.once('error', rejected); });
    const answer = new Promise<string>((resolve) => ws.once('message', (d: Buffer) => resolve(d.toString())));
    ws.send(JSON.stringify({ event: 'ping', data: { n: 1 } }));
    assert.deepEqual(JSON.parse(await answer), { event: 'pong', data: { n: 1 } });
    ws.close();
  });

  it('STOMP on the same server still connects', async () => {
    const stomp = await RawStomp.open(`${base}/stomp`);
    const connected = await stomp.connect({ 'heart-beat': '0,0' });
    assert.equal(connected.command, 'CONNECTED');
    stomp.close();
  });

  it('an unknown path is answered 404 rather than destroyed, and a gateway refuses its own handshakes with a status', async () => {
    assert.equal(await upgradeStatus('/nowhere'), 404);
    assert.equal(await upgradeStatus('/guarded'), 401);
    assert.equal(await upgradeStatus('/guarded?key=open'), 101);
  });
});
