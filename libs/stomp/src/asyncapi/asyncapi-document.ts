import type { HandlerMapping } from '../annotation';
import type { ResolvedStompBrokerOptions } from '../module/stomp-broker.options';
import { USER_PREFIX } from '../user/user-destinations';
import { operationDocs, publicationDocs } from './asyncapi.decorators';
import { schemaOf, type JsonSchema } from './json-schema';

export interface AsyncApiInfo {
  title: string;
  version: string;
  description?: string;
}

/** Where clients reach the endpoints: `host[:port]`, and whether it is TLS (wss/https). */
export interface AsyncApiServerAddress {
  host: string;
  secure: boolean;
}

type Ref = { $ref: string };
type Entry = { [field: string]: unknown };

export interface AsyncApiDocument {
  asyncapi: '3.0.0';
  info: AsyncApiInfo;
  defaultContentType: string;
  servers: Record<string, Entry>;
  channels: Record<string, Entry & { address: string; messages: Record<string, Ref> }>;
  operations: Record<string, Entry & { action: 'send' | 'receive'; channel: Ref }>;
  components: { schemas: Record<string, JsonSchema>; messages: Record<string, Entry> };
  [extension: `x-${string}`]: unknown;
}

/** What a refused SEND or SUBSCRIBE puts on the session's error destination (MessageRouter.reportError). */
export const CLIENT_ERROR_SCHEMA: JsonSchema = {
  title: 'ClientError',
  type: 'object',
  required: ['error', 'message'],
  properties: {
    error: { type: 'string', description: 'A stable code, e.g. `bad-json`, `no-handler`, `rate-limited`, `forbidden-destination`.' },
    message: { type: 'string', description: 'One sentence for people.' },
    receiptId: { type: 'string', description: 'The `receipt` header of the refused frame, when it had one.' },
    destination: { type: 'string', description: 'The refused destination, when an interceptor or a destination rule refused it.' },
  },
};

const USER = USER_PREFIX.replace(/\/$/, '');

/** Channels, messages and operations as they are added, with ids that are unique and readable. */
class Parts {
  readonly channels: AsyncApiDocument['channels'] = {};
  readonly operations: AsyncApiDocument['operations'] = {};
  readonly messages: Record<string, Entry> = {};
  readonly schemas: Record<string, JsonSchema> = {};
  private readonly byAddress = new Map<string, string>();

  channel(address: string, description?: string, parameters: Record<string, string> = {}): string {
    const known = this.byAddress.get(address);
    if (known !== undefined) {
      if (description && this.channels[known]!.description === undefined) this.channels[known]!.description = description;
      return known;
    }
    const id = unique(address.replace(/^\//, '').replace(/[{}]/g, '').replace(/[^\w.-]+/g, '-') || 'root', this.channels);
    const variables = [...address.matchAll(/\{([^}/]+)\}/g)].map((m) => m[1]!);
    this.channels[id] = {
      address,
      ...(description && { description }),
      ...(variables.length > 0 && {
        parameters: Object.fromEntries(variables.map((v) => [v, { description: parameters[v] ?? `The {${v}} segment of the destination.` }])),
      }),
      messages: {},
    };
    this.byAddress.set(address, id);
    return id;
  }

  /** A message on a channel; `key` names it in components, and a titled payload becomes a shared schema. */
  message(channelId: string, key: string, message: { title: string; payload?: JsonSchema; headers?: JsonSchema }): Ref {
    const id = key.replace(/[^\w.-]+/g, '-');
    if (this.messages[id] === undefined) {
      this.messages[id] = {
        name: id,
        title: message.title,
        ...(message.headers && { headers: message.headers }),
        payload: message.payload === undefined ? { description: 'Any body.' } : this.payload(message.payload),
      };
    }
    this.channels[channelId]!.messages[id] = { $ref: `#/components/messages/${id}` };
    return { $ref: `#/channels/${channelId}/messages/${id}` };
  }

  operation(id: string, operation: AsyncApiDocument['operations'][string]): void {
    this.operations[unique(id, this.operations)] = operation;
  }

  private payload(schema: JsonSchema): JsonSchema | Ref {
    const title = typeof schema.title === 'string' ? schema.title.replace(/[^\w.-]+/g, '-') : undefined;
    if (title === undefined) return schema;
    this.schemas[title] ??= schema;
    return { $ref: `#/components/schemas/${title}` };
  }
}

function unique(id: string, taken: object): string {
  if (!(id in taken)) return id;
  let n = 2;
  while (`${id}-${n}` in taken) n++;
  return `${id}-${n}`;
}

const channelRef = (id: string): Ref => ({ $ref: `#/channels/${id}` });

function headersSchema(headers: readonly string[]): JsonSchema | undefined {
  if (headers.length === 0) return undefined;
  return { type: 'object', properties: Object.fromEntries(headers.map((h) => [h, { type: 'string' }])) };
}

/** Where a handler's return value goes, as a client subscribes to it; undefined when it stays with the subscription or is not documented. */
function replyDestination(m: HandlerMapping, options: ResolvedStompBrokerOptions, documented: boolean): string | undefined {
  if (m.sendToUser) return USER + m.sendToUser.destination;
  if (m.sendTo) return m.sendTo;
  // Spring's default for a @MessageMapping that returns something: the broker prefix + the mapping.
  if (m.kind === 'message' && documented) {
    return (options.brokerDestinationPrefixes[0] ?? '/topic') + m.destination.slice(options.applicationDestinationPrefix.length);
  }
  return undefined;
}

function addHandler(parts: Parts, m: HandlerMapping, options: ResolvedStompBrokerOptions): void {
  const docs = operationDocs(m.controller, m.methodName);
  const opId = `${m.controller.name}.${m.methodName}`;
  const channelId = parts.channel(m.destination);
  const frameHeaders = m.headers.length > 0 ? { 'x-stomp-headers': [...m.headers] } : {};
  const target = replyDestination(m, options, docs.reply !== undefined);
  let reply: Entry | undefined;
  if (target !== undefined) {
    const replyChannel = parts.channel(target);
    const message = parts.message(replyChannel, `${opId}.reply`, { title: `MESSAGE ${target}`, payload: schemaOf(docs.reply) });
    reply = { channel: channelRef(replyChannel), messages: [message] };
    const who = m.sendToUser ? (m.sendToUser.broadcast ? 'every session of the sending user' : 'the sending session only') : 'every subscriber';
    parts.operation(`${opId}.reply`, {
      action: 'send', channel: channelRef(replyChannel), messages: [message], 'x-stomp-frame': 'MESSAGE',
      summary: `What ${opId} returns, to ${who}.`,
    });
  }
  if (m.kind === 'message') {
    const body = parts.message(channelId, `${opId}.body`, {
      title: `SEND ${m.destination}`, payload: schemaOf(docs.payload ?? m.payloadType), headers: headersSchema(m.headers),
    });
    parts.operation(opId, {
      action: 'receive', channel: channelRef(channelId), messages: [body], 'x-stomp-frame': 'SEND', ...frameHeaders,
      summary: docs.summary ?? `SEND ${m.destination}`,
      ...(docs.description && { description: docs.description }),
      ...(reply && { reply }),
    });
  } else if (reply === undefined) {
    const answer = parts.message(channelId, `${opId}.reply`, { title: `MESSAGE ${m.destination}`, payload: schemaOf(docs.reply) });
    parts.operation(opId, {
      action: 'send', channel: channelRef(channelId), messages: [answer], 'x-stomp-frame': 'SUBSCRIBE', ...frameHeaders,
      summary: docs.summary ?? `SUBSCRIBE ${m.destination}`,
      description: docs.description ?? 'One MESSAGE to the subscription that asked, and nothing after it.',
    });
  }
  for (const p of publicationDocs(m.controller, m.methodName)) {
    const published = parts.channel(p.destination, p.description);
    const payload = schemaOf(p.payload);
    const key = typeof payload?.title === 'string' ? payload.title : `${opId}.publishes`;
    const message = parts.message(published, key, { title: `MESSAGE ${p.destination}`, payload });
    parts.operation(`${opId}.publishes`, {
      action: 'send', channel: channelRef(published), messages: [message], 'x-stomp-frame': 'MESSAGE',
      summary: p.summary ?? `Published by ${opId}.`,
      ...(p.description && { description: p.description }),
    });
  }
}

function addBroker(parts: Parts, options: ResolvedStompBrokerOptions): void {
  const via = options.relay ? ' through the relay (every node\'s subscribers)' : '';
  for (const prefix of options.brokerDestinationPrefixes) {
    const name = prefix.replace(/[^\w]+/g, '');
    const channel = parts.channel(
      `${prefix}/{destination}`,
      `Any destination under ${prefix}: a SEND is fanned out as it is to every subscriber${via}; no handler runs and nothing is stored.`,
      { destination: 'Any name; it may contain "/".' },
    );
    const message = parts.message(channel, `broker.${name}.message`, { title: `${prefix}/**` });
    parts.operation(`broker.${name}.send`, {
      action: 'receive', channel: channelRef(channel), messages: [message], 'x-stomp-frame': 'SEND',
      summary: 'Fanned out as it is to every subscriber of the destination; no handler runs, nothing is stored.',
    });
    parts.operation(`broker.${name}.subscribe`, {
      action: 'send', channel: channelRef(channel), messages: [message], 'x-stomp-frame': 'MESSAGE',
      summary: `Every SEND to the destination, from any session${via}.`,
    });
  }
  if (options.brokerDestinationPrefixes.includes('/queue')) {
    const channel = parts.channel(
      `${USER}/queue/{destination}`,
      'The subscribing user\'s own queue: what is sent to the user reaches every session of theirs subscribed here (an anonymous session: itself only).',
      { destination: 'Any name.' },
    );
    const message = parts.message(channel, 'user.message', { title: `${USER}/queue/**` });
    parts.operation('user.subscribe', {
      action: 'send', channel: channelRef(channel), messages: [message], 'x-stomp-frame': 'MESSAGE',
      summary: 'What is sent to the subscribing user, on every session of theirs subscribed here.',
    });
  }
  const errors = errorChannel(options);
  const channel = parts.channel(errors, 'Why one of this session\'s SENDs or SUBSCRIBEs was refused; the session stays open.');
  const message = parts.message(channel, 'ClientError', { title: `MESSAGE ${errors}`, payload: CLIENT_ERROR_SCHEMA });
  parts.operation('errors', {
    action: 'send', channel: channelRef(channel), messages: [message], 'x-stomp-frame': 'MESSAGE',
    summary: 'Why a SEND or SUBSCRIBE of this session was refused; the session stays open.',
  });
}

function servers(options: ResolvedStompBrokerOptions, at: AsyncApiServerAddress): Record<string, Entry> {
  const out: Record<string, Entry> = {};
  for (const endpoint of options.endpoints) {
    const id = endpoint.path.replace(/^\//, '').replace(/[^\w-]+/g, '-') || 'root';
    out[`${id}-websocket`] = {
      host: at.host, pathname: endpoint.path, protocol: at.secure ? 'wss' : 'ws', title: 'STOMP over WebSocket',
      description: 'STOMP 1.0, 1.1 and 1.2, one frame per WebSocket message; sub-protocols v12.stomp, v11.stomp, v10.stomp.',
    };
    if (endpoint.sockjs) {
      out[`${id}-sockjs`] = {
        host: at.host, pathname: endpoint.path, protocol: at.secure ? 'https' : 'http', title: 'STOMP over SockJS',
        description: `The same sessions through SockJS (\`new SockJS('${endpoint.path}')\`), every SockJS transport.`,
      };
    }
  }
  return out;
}

/**
 * The AsyncAPI 3.0.0 document of a STOMP broker, generated from its handler mappings and options (what
 * Springwolf does for Spring): a channel per @MessageMapping / @SubscribeMapping destination with its
 * payload schema and headers, replies from @SendTo / @SendToUser, documented publications, then the
 * broker prefixes, the user queues and the error destination.
 */
export function buildAsyncApiDocument(
  info: AsyncApiInfo,
  mappings: readonly HandlerMapping[],
  options: ResolvedStompBrokerOptions,
  at: AsyncApiServerAddress = { host: 'localhost', secure: false },
): AsyncApiDocument {
  const parts = new Parts();
  for (const mapping of mappings) addHandler(parts, mapping, options);
  addBroker(parts, options);
  return {
    asyncapi: '3.0.0',
    info,
    defaultContentType: 'application/json',
    servers: servers(options, at),
    channels: parts.channels,
    operations: parts.operations,
    components: { schemas: parts.schemas, messages: parts.messages },
    'x-stomp': {
      versions: ['1.0', '1.1', '1.2'],
      applicationDestinationPrefix: options.applicationDestinationPrefix,
      brokerDestinationPrefixes: options.brokerDestinationPrefixes,
      userDestinationPrefix: USER,
      errorDestination: errorChannel(options),
      heartbeat: [options.session.heartbeatMs, options.session.heartbeatReceiveMs ?? options.session.heartbeatMs],
      broker: options.relay ? 'relay' : 'simple',
    },
  };
}

/** The error destination as clients subscribe to it (`/user/queue/errors`). */
function errorChannel(options: ResolvedStompBrokerOptions): string {
  return USER + options.errorDestination;
}
