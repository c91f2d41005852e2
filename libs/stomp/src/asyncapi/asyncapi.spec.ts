// #11 item 9: the AsyncAPI 3 document is generated from the handlers an app registers (as Springwolf
// does for Spring): a real Nest app on port 0, its document fetched over HTTP and checked against the
// AsyncAPI 3.0.0 JSON Schema.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { get } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Injectable, Module, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import Ajv from 'ajv';
import { IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import {
  DestinationVariable, Header, MessageMapping, Payload, SendTo, SendToUser, SubscribeMapping,
} from '../annotation';
import { StompBrokerModule } from '../module';
import { AsyncApiOperation, AsyncApiPublishes, StompAsyncApi, type AsyncApiDocument } from './index';

class PlaceOrder {
  @IsString() @Length(1, 20)
  item!: string;

  @IsInt() @Min(1) @Max(10)
  quantity!: number;

  @IsOptional() @IsString()
  note?: string;
}

const ORDER_PLACED = { title: 'OrderPlaced', type: 'object', properties: { id: { type: 'integer' } } };

@MessageMapping('/shops/{shop}')
@Injectable()
class OrderController {
  @MessageMapping('/orders')
  @SendTo('/topic/orders')
  @AsyncApiOperation({ summary: 'Place an order', reply: ORDER_PLACED })
  @AsyncApiPublishes('/topic/shops/{shop}/stock', { summary: 'Stock left after the order' })
  place(@DestinationVariable('shop') shop: string, @Payload() order: PlaceOrder, @Header('client-order-id') id?: string) {
    return { shop, order, id };
  }

  @SubscribeMapping('/menu')
  menu(@Header('lang') lang?: string) {
    return { lang };
  }

  @MessageMapping('/whoami')
  @SendToUser('/queue/me', { broadcast: false })
  whoami() {
    return {};
  }
}

/** The library alone, with or without the controller: what the document shows must follow what is registered. */
function appModule(withController: boolean, publicOrigin?: string) {
  @Module({
    imports: [StompBrokerModule.forRoot({ endpoints: [{ path: '/stomp', sockjs: true }], brokerDestinationPrefixes: ['/topic', '/queue'], publicOrigin })],
    providers: withController ? [OrderController] : [],
  })
  class TestAppModule {}
  return TestAppModule;
}

async function serve(withController: boolean, publicOrigin?: string): Promise<{ app: INestApplication; url: string }> {
  const app = await NestFactory.create(appModule(withController, publicOrigin), { logger: false, bodyParser: false });
  StompAsyncApi.setup('/api/asyncapi.json', app, { title: 'orders', version: '1.0.0' });
  await app.listen(0, '127.0.0.1');
  return { app, url: `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}` };
}

/** GET on a connection of its own (no kept-alive socket the server may be closing), with any Host header. */
function fetchDocument(url: string, host?: string): Promise<{ status: number; type: string | undefined; doc: AsyncApiDocument }> {
  return new Promise((resolve, reject) => {
    get(`${url}/api/asyncapi.json`, { agent: false, headers: host ? { host } : {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], doc: JSON.parse(Buffer.concat(chunks).toString()) }));
    }).on('error', reject);
  });
}

const channelAt = (doc: AsyncApiDocument, address: string) => Object.entries(doc.channels).find(([, c]) => c.address === address);

/** Follows a local `$ref` (`#/a/b/c`) through the document. */
function deref(doc: AsyncApiDocument, ref: { $ref: string }): Record<string, unknown> {
  return ref.$ref.slice(2).split('/').reduce<any>((node, key) => node[key], doc);
}

let withHandlers: { app: INestApplication; url: string };
let without: { app: INestApplication; url: string };
let pinned: { app: INestApplication; url: string };

before(async () => {
  [withHandlers, without, pinned] = await Promise.all([serve(true), serve(false), serve(false, 'https://chat.example.com')]);
});
after(async () => {
  await Promise.all([withHandlers.app.close(), without.app.close(), pinned.app.close()]);
});

describe('#11 GET /api/asyncapi.json from the handler metadata', () => {
  it('is a valid AsyncAPI 3.0.0 document', async () => {
    const { status, type, doc } = await fetchDocument(withHandlers.url);
    assert.equal(status, 200);
    assert.match(type ?? '', /^application\/json/);
    assert.equal(doc.asyncapi, '3.0.0');
    const schema = require('@asyncapi/specs/schemas/3.0.0-without-$id.json');
    const validate = new Ajv({ strict: false, allErrors: true, validateFormats: false }).compile(schema);
    assert.equal(validate(doc), true, JSON.stringify(validate.errors?.slice(0, 5), null, 1));
  });

  it('a registered handler appears: its destination with the class prefix, parameters, payload class and reply', async () => {
    const { doc } = await fetchDocument(withHandlers.url);
    const [channelId, channel] = channelAt(doc, '/app/shops/{shop}/orders') ?? assert.fail('no /app/shops/{shop}/orders channel');
    assert.deepEqual(Object.keys(channel.parameters as object), ['shop']);
    const op = doc.operations['OrderController.place']!;
    assert.equal(op.action, 'receive');
    assert.equal(op.channel.$ref, `#/channels/${channelId}`);
    assert.equal(op.summary, 'Place an order');
    assert.deepEqual(op['x-stomp-headers'], ['client-order-id']);
    const message = deref(doc, deref(doc, (op.messages as { $ref: string }[])[0]!) as { $ref: string });
    assert.deepEqual(message.payload, { $ref: '#/components/schemas/PlaceOrder' });
    assert.deepEqual(message.headers, { type: 'object', properties: { 'client-order-id': { type: 'string' } } });
    // The DTO's class-validator constraints, as JSON Schema.
    assert.deepEqual(doc.components.schemas.PlaceOrder, {
      title: 'PlaceOrder',
      type: 'object',
      properties: {
        item: { type: 'string', minLength: 1, maxLength: 20 },
        quantity: { type: 'integer', minimum: 1, maximum: 10 },
        note: { type: 'string' },
      },
      required: ['item', 'quantity'],
    });
    const [replyId] = channelAt(doc, '/topic/orders') ?? assert.fail('no reply channel');
    assert.equal((op.reply as { channel: { $ref: string } }).channel.$ref, `#/channels/${replyId}`);
    assert.deepEqual(doc.components.schemas.OrderPlaced, ORDER_PLACED);
    assert.ok(channelAt(doc, '/topic/shops/{shop}/stock'), 'the documented publication');
    assert.equal(doc.operations['OrderController.place.publishes']?.action, 'send');
  });

  it('@SubscribeMapping is a reply to the subscription; @SendToUser replies on /user/...', async () => {
    const { doc } = await fetchDocument(withHandlers.url);
    const menu = doc.operations['OrderController.menu']!;
    assert.equal(menu.action, 'send');
    assert.equal(menu['x-stomp-frame'], 'SUBSCRIBE');
    assert.equal(deref(doc, menu.channel).address, '/app/shops/{shop}/menu');
    const whoami = doc.operations['OrderController.whoami']!;
    assert.equal(deref(doc, (whoami.reply as { channel: { $ref: string } }).channel).address, '/user/queue/me');
    assert.match(String(doc.operations['OrderController.whoami.reply']!.summary), /sending session only/);
  });

  it('the broker prefixes, user queues, error destination and endpoints come from the options', async () => {
    const { doc } = await fetchDocument(withHandlers.url);
    for (const address of ['/topic/{destination}', '/queue/{destination}', '/user/queue/{destination}', '/user/queue/errors']) {
      assert.ok(channelAt(doc, address), address);
    }
    assert.deepEqual(doc.components.schemas.ClientError!.required, ['error', 'message']);
    const host = new URL(withHandlers.url).host;
    assert.deepEqual(
      Object.values(doc.servers).map((s) => [s.protocol, s.host, s.pathname]),
      [['ws', host, '/stomp'], ['http', host, '/stomp']],
    );
    assert.deepEqual((doc['x-stomp'] as { brokerDestinationPrefixes: string[] }).brokerDestinationPrefixes, ['/topic', '/queue']);
  });

  it('without the controller, none of its channels exist', async () => {
    const { doc } = await fetchDocument(without.url);
    assert.equal(Object.values(doc.channels).some((c) => c.address.startsWith('/app/')), false);
    assert.equal(doc.operations['OrderController.place'], undefined);
    assert.ok(channelAt(doc, '/user/queue/errors'));
  });

  it('with a publicOrigin, the servers are that origin, whatever Host the request carried', async () => {
    const { doc } = await fetchDocument(pinned.url, 'attacker.example');
    assert.deepEqual(
      Object.values(doc.servers).map((s) => `${s.protocol}://${s.host}${s.pathname}`),
      ['wss://chat.example.com/stomp', 'https://chat.example.com/stomp'],
    );
  });
});
