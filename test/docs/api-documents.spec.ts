// #11 item 9: the server describes itself: GET /api/openapi.json (OpenAPI 3, the REST side),
// GET /api/asyncapi.json (AsyncAPI 3, generated from the STOMP handlers) and GET /api/docs (both,
// readable, with nothing loaded from elsewhere). The real server on PORT=0, plain HTTP.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { postJson, request } from '../http/http-client';
import { startServer, type RunningServer } from '../support/server';

let server: RunningServer;
// Compiled before any request: compiling the AsyncAPI schema blocks the event loop for seconds, and a
// kept-alive socket the server closes meanwhile would fail the next fetch.
let validateAsyncApi: ReturnType<Ajv['compile']>;
before(async () => {
  validateAsyncApi = new Ajv({ strict: false, allErrors: true, validateFormats: false }).compile(require('@asyncapi/specs/schemas/3.0.0-without-$id.json'));
  server = await startServer();
});
after(async () => {
  await server?.stop();
});

type Doc = Record<string, any>;

const ROOT = join(__dirname, '..', '..', '..');
const repoFile = (path: string): string => readFileSync(join(ROOT, path), 'utf8');

/** One GET on a connection of its own: a kept-alive one the server is closing (idle for 5 s) could be picked. */
async function get(path: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }> {
  return request(new URL(path, `${server.url}/api/docs`).href);
}

async function getJson(path: string): Promise<{ status: number; type: string; doc: Doc }> {
  const res = await get(path);
  return { status: res.status, type: String(res.headers['content-type'] ?? ''), doc: JSON.parse(res.text) as Doc };
}

/** Every `$ref` of a document, so that each can be checked to point somewhere. */
function refs(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((n) => refs(n, out));
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') out.push(value);
      else refs(value, out);
    }
  }
  return out;
}

function resolves(doc: Doc, ref: string): boolean {
  let node: unknown = doc;
  for (const key of ref.replace(/^#\//, '').split('/')) node = (node as Record<string, unknown> | undefined)?.[key];
  return node !== undefined;
}

describe('#11 GET /api/openapi.json', () => {
  it('is OpenAPI 3 and lists the REST, SSE, long-poll and operations paths with their methods', async () => {
    const { status, type, doc } = await getJson('/api/openapi.json');
    assert.equal(status, 200);
    assert.match(type, /^application\/json/);
    assert.match(doc.openapi, /^3\./);
    const methods = Object.fromEntries(Object.entries(doc.paths as Record<string, object>).map(([p, ops]) => [p, Object.keys(ops).sort()]));
    assert.deepEqual(methods['/api/rooms'], ['get', 'post']);
    assert.deepEqual(methods['/api/rooms/{room}/messages/{id}'], ['delete', 'patch']);
    assert.deepEqual(methods['/api/rooms/{room}/members/{user}'], ['delete', 'put']);
    assert.deepEqual(methods['/api/rooms/{room}/read'], ['get', 'put']);
    assert.deepEqual(methods['/api/rooms/{room}/messages'], ['get', 'post']);
    assert.deepEqual(methods['/api/rooms/{room}/poll'], ['get']);
    assert.deepEqual(methods['/sse/rooms/{room}'], ['get']);
    assert.deepEqual(methods['/api/users/{user}/disconnect'], ['post']);
    for (const path of ['/health', '/health/live', '/health/ready', '/metrics']) assert.deepEqual(methods[path], ['get'], path);
    for (const ref of refs(doc)) assert.ok(resolves(doc, ref), `${ref} points nowhere`);
  });

  it('says what the server does: the documented POST answer is what a POST gets', async () => {
    const { doc } = await getJson('/api/openapi.json');
    const post = doc.paths['/api/rooms/{room}/messages'].post;
    assert.deepEqual(post.requestBody.content['application/json'].schema, { $ref: '#/components/schemas/RoomPost' });
    assert.deepEqual(post.parameters.find((p: Doc) => p.in === 'header')?.name, 'client-message-id');
    assert.ok(post.responses['400'] && post.responses['413'] && post.responses['415'] && post.responses['429']);
    assert.deepEqual(post.security, [{ bearer: [] }, { access_token: [] }]);
    const schema = doc.components.schemas[post.responses['201'].content['application/json'].schema.$ref.split('/').pop()];
    const res = await postJson(`${server.url}/api/rooms/docs/messages`, { from: 'ada', text: 'hello' });
    assert.equal(res.status, 201);
    const stored = res.json() as Record<string, unknown>;
    assert.deepEqual(Object.keys(stored).sort(), [...schema.required].sort());
    assert.equal(typeof stored.id, schema.properties.id.type === 'integer' ? 'number' : 'unexpected');
    const bad = await postJson(`${server.url}/api/rooms/docs/messages`, { from: 'ada', text: '' });
    assert.equal(bad.status, 400);
    assert.deepEqual(Object.keys(bad.json() as object).sort(), [...doc.components.schemas.ErrorBody.required].sort());
  });
});

describe('#11 the generated documents and docs/ tell the same story', () => {
  it('every REST operation has a summary, and every path is in docs/http.md', async () => {
    const { doc } = await getJson('/api/openapi.json');
    const http = repoFile('docs/http.md');
    for (const [path, operations] of Object.entries(doc.paths as Record<string, Record<string, Doc>>)) {
      for (const [method, op] of Object.entries(operations)) assert.ok(op.summary, `${method.toUpperCase()} ${path} has no summary`);
      assert.ok(http.includes(`\`${path}`), `docs/http.md does not mention ${path}`);
    }
  });

  it('every chat destination the handlers declare is in docs/destinations.md', async () => {
    const { doc } = await getJson('/api/asyncapi.json');
    const destinations = repoFile('docs/destinations.md');
    for (const { address } of Object.values(doc.channels as Record<string, { address: string }>)) {
      if (address.includes('{destination}')) continue; // the broker's "any /topic/**" channels
      assert.ok(destinations.includes(`\`${address}\``), `docs/destinations.md does not mention ${address}`);
    }
    for (const [id, op] of Object.entries(doc.operations as Record<string, Doc>)) assert.ok(op.summary, `${id} has no summary`);
  });
});

describe('#11 GET /api/asyncapi.json', () => {
  it('is a valid AsyncAPI 3.0.0 document of the chat\'s destinations, generated from its handlers', async () => {
    const { status, type, doc } = await getJson('/api/asyncapi.json');
    assert.equal(status, 200);
    assert.match(type, /^application\/json/);
    assert.equal(doc.asyncapi, '3.0.0');
    assert.equal(validateAsyncApi(doc), true, JSON.stringify(validateAsyncApi.errors?.slice(0, 5)));
    for (const ref of refs(doc)) assert.ok(resolves(doc, ref), `${ref} points nowhere`);
    const addresses = Object.values(doc.channels as Record<string, { address: string }>).map((c) => c.address);
    for (const address of [
      '/app/chat', '/app/rooms/{room}', '/app/rooms/{room}/history', '/app/dm/{user}',
      '/topic/messages', '/topic/rooms/{room}', '/user/queue/messages', '/user/queue/errors', '/topic/{destination}', '/queue/{destination}',
    ]) assert.ok(addresses.includes(address), `${address} is missing`);
    // From the handlers: the operation ids are the controller's methods, SEND to /app/rooms/{room} is received.
    assert.equal(doc.operations['ChatController.post'].action, 'receive');
    assert.deepEqual(doc.operations['ChatController.post']['x-stomp-headers'], ['client-message-id']);
    assert.equal(doc.operations['ChatController.history']['x-stomp-frame'], 'SUBSCRIBE');
    // The shapes come from the validation constants.
    assert.equal(doc.components.schemas.RoomPost.properties.text.maxLength, 4000);
    assert.deepEqual(doc.components.schemas.StoredMessage.required, ['id', 'room', 'from', 'text', 'sentAt', 'time']);
  });

  it('names the endpoints at the address the client used', async () => {
    const { doc } = await getJson('/api/asyncapi.json');
    const host = new URL(server.url).host;
    assert.deepEqual(
      Object.values(doc.servers as Record<string, Doc>).map((s) => `${s.protocol}://${s.host}${s.pathname}`),
      [`ws://${host}/chat`, `http://${host}/chat`],
    );
  });
});

describe('#11 GET /api/docs', () => {
  it('serves Swagger UI from this server alone, under its own Content-Security-Policy', async () => {
    const res = await get('/api/docs');
    assert.equal(res.status, 200);
    assert.match(String(res.headers['content-type']), /^text\/html/);
    const csp = String(res.headers['content-security-policy'] ?? '');
    assert.match(csp, /script-src 'self'(;|$)/, 'no inline or foreign scripts');
    assert.match(csp, /connect-src 'self'/);
    const html = res.text;
    const assets = [...html.matchAll(/(?:src|href)=["']([^"']+)["']/g)].map((m) => m[1]!);
    assert.ok(assets.some((a) => a.endsWith('swagger-ui-bundle.js')), 'the Swagger UI bundle');
    for (const asset of assets) {
      assert.doesNotMatch(asset, /^(https?:)?\/\//, `${asset} would come from elsewhere`);
      assert.equal((await get(asset)).status, 200, asset);
    }
    // The page's own script holds both sides: the REST document and the STOMP table.
    const init = (await get('/api/docs/swagger-ui-init.js')).text;
    assert.match(init, /\/api\/rooms\/\{room\}\/messages/);
    assert.match(init, /\/app\/rooms\/\{room\}\/history/);
    assert.match(init, /"validatorUrl": null/);
  });
});
