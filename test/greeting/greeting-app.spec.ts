// #11 item 8: Spring's getting-started sample (apps/greeting) built on the broker library alone: a real
// process, @stomp/stompjs over a plain WebSocket and over SockJS (websocket and xhr-polling), its page.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import SockJS from 'sockjs-client';
import { Client, type IMessage } from '@stomp/stompjs';

const MAIN = join(__dirname, '..', '..', 'apps', 'greeting', 'src', 'main.js');
let child: ChildProcess;
let url = '';

before(async () => {
  child = spawn(process.execPath, [MAIN], { env: { ...process.env, PORT: '0', HOST: '127.0.0.1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`greeting app did not start:\n${out}`)), 20_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const m = /listening on (http:\/\/[\d.]+:\d+)/.exec(out);
      if (m) { clearTimeout(timer); resolve(m[1]!); }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`exited ${code}:\n${out}`)));
  });
});
after(() => void child.kill('SIGTERM'));

async function connect(transport: 'ws' | 'websocket' | 'xhr-polling'): Promise<Client> {
  const client = new Client({
    webSocketFactory: () => transport === 'ws'
      ? new WebSocket(`${url.replace('http', 'ws')}/gs-guide-websocket`, ['v12.stomp'])
      : new SockJS(`${url}/gs-guide-websocket`, null, { transports: [transport], timeout: 10_000 }),
    reconnectDelay: 0, heartbeatIncoming: 0, heartbeatOutgoing: 0,
  });
  await new Promise<void>((resolve, reject) => {
    client.onConnect = () => resolve();
    client.onStompError = (f) => reject(new Error(f.headers.message));
    client.activate();
  });
  return client;
}

function greetings(client: Client): { got: IMessage[]; ready: Promise<void>; next(): Promise<IMessage> } {
  const got: IMessage[] = [];
  let wake: (() => void) | undefined;
  const ready = new Promise<void>((resolve) => client.watchForReceipt('sub', () => resolve()));
  client.subscribe('/topic/greetings', (m) => { got.push(m); wake?.(); }, { receipt: 'sub' });
  return {
    got, ready,
    next: () => new Promise((resolve) => {
      const n = got.length;
      wake = () => got.length > n && resolve(got[got.length - 1]!);
    }),
  };
}

describe('#11 the greeting sample on the library alone', () => {
  for (const transport of ['ws', 'websocket', 'xhr-polling'] as const) {
    it(`SEND /app/hello reaches every /topic/greetings subscriber (sender over ${transport})`, async () => {
      const [sender, listener] = await Promise.all([connect(transport), connect('ws')]);
      const mine = greetings(sender);
      const theirs = greetings(listener);
      await Promise.all([mine.ready, theirs.ready]);
      const both = Promise.all([mine.next(), theirs.next()]);
      sender.publish({ destination: '/app/hello', body: JSON.stringify({ name: '<Ada>' }) });
      for (const m of await both) assert.deepEqual(JSON.parse(m.body), { content: 'Hello, &#60;Ada&#62;!' });
      await Promise.all([sender.deactivate(), listener.deactivate()]);
    });
  }

  it('an invalid HelloMessage goes to the sender\'s /user/queue/errors, nothing is broadcast', async () => {
    const client = await connect('ws');
    const errors: IMessage[] = [];
    const subscribed = new Promise<void>((resolve) => client.watchForReceipt('e', () => resolve()));
    client.subscribe('/user/queue/errors', (m) => errors.push(m), { receipt: 'e' });
    await subscribed;
    const listen = greetings(client);
    await listen.ready;
    const receipt = new Promise<void>((resolve) => client.watchForReceipt('bad', () => resolve()));
    client.publish({ destination: '/app/hello', body: JSON.stringify({ name: '' }), headers: { receipt: 'bad' } });
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(JSON.parse(errors[0]!.body).error, 'invalid-name');
    assert.equal(listen.got.length, 0);
    void receipt;
    await client.deactivate();
  });

  it('serves its page and the SockJS client script', async () => {
    const page = await fetch(`${url}/`);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /new SockJS\('\/gs-guide-websocket'\)/);
    assert.equal((await fetch(`${url}/webjars/sockjs/sockjs.min.js`)).status, 200);
  });

  it('describes itself: /api/asyncapi.json has /app/hello with its HelloMessage payload and its /topic/greetings reply', async () => {
    const res = await fetch(`${url}/api/asyncapi.json`);
    assert.equal(res.status, 200);
    const doc = (await res.json()) as { asyncapi: string; channels: Record<string, { address: string }>; operations: Record<string, any>; components: any };
    assert.equal(doc.asyncapi, '3.0.0');
    const hello = doc.operations['GreetingController.greeting'];
    assert.equal(hello.action, 'receive');
    assert.equal(doc.channels[hello.channel.$ref.split('/').pop()]!.address, '/app/hello');
    assert.equal(doc.channels[hello.reply.channel.$ref.split('/').pop()]!.address, '/topic/greetings');
    assert.deepEqual(doc.components.schemas.HelloMessage.properties.name, { type: 'string', minLength: 1, maxLength: 64 });
    assert.equal(Object.values(doc.channels).some((c) => c.address.startsWith('/queue')), false, 'the sample enables /topic only');
  });
});
