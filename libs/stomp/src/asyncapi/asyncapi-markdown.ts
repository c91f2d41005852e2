import type { AsyncApiDocument } from './asyncapi-document';

type Ref = { $ref: string };

/** Follows a local `#/...` reference inside the document. */
function resolve(doc: AsyncApiDocument, ref: Ref): Record<string, unknown> | undefined {
  let node: unknown = doc;
  for (const key of ref.$ref.replace(/^#\//, '').split('/')) {
    node = typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[key] : undefined;
  }
  return typeof node === 'object' && node !== null ? (node as Record<string, unknown>) : undefined;
}

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');

function payloadName(doc: AsyncApiDocument, messages: unknown): string {
  const first = Array.isArray(messages) ? (messages[0] as Ref | undefined) : undefined;
  const inChannel = first && resolve(doc, first);
  const message = inChannel && '$ref' in inChannel ? resolve(doc, inChannel as Ref) : inChannel;
  const payload = message?.payload as (Ref & { title?: string; type?: string }) | undefined;
  if (!payload) return 'none';
  if (payload.$ref) return payload.$ref.split('/').pop()!;
  return payload.title ?? payload.type ?? 'any';
}

/**
 * The document's operations as one Markdown table, from the client's side (it SENDs where the server
 * receives, SUBSCRIBEs where the server sends): for a page that shows the STOMP side next to the REST one,
 * such as the Swagger UI description.
 */
export function asyncApiMarkdown(doc: AsyncApiDocument, documentUrl?: string): string {
  const rows = Object.values(doc.operations).map((op) => {
    const channel = resolve(doc, op.channel);
    const frame = op.action === 'receive' ? 'SEND' : 'SUBSCRIBE';
    const headers = Array.isArray(op['x-stomp-headers']) ? ` Headers: ${(op['x-stomp-headers'] as string[]).map((h) => `\`${h}\``).join(', ')}.` : '';
    return `| ${frame} | \`${cell(String(channel?.address ?? '?'))}\` | ${cell(payloadName(doc, op.messages))} | ${cell(String(op.summary ?? ''))}${cell(headers)} |`;
  });
  const stomp = doc['x-stomp'] as { applicationDestinationPrefix?: string; brokerDestinationPrefixes?: string[] } | undefined;
  const endpoints = new Map<string, string[]>();
  for (const server of Object.values(doc.servers)) {
    const path = String(server.pathname ?? '/');
    endpoints.set(path, [...(endpoints.get(path) ?? []), String(server.title ?? server.protocol)]);
  }
  return [
    `STOMP endpoints: ${[...endpoints].map(([path, kinds]) => `\`${path}\` (${kinds.join(', ')})`).join('; ')}. ` +
      `Application prefix \`${stomp?.applicationDestinationPrefix ?? '/app'}\`, ` +
      `broker prefixes ${(stomp?.brokerDestinationPrefixes ?? []).map((p) => `\`${p}\``).join(', ')}.` +
      (documentUrl ? ` The whole AsyncAPI 3 document: [${documentUrl}](${documentUrl}).` : ''),
    '',
    '| client | destination | payload | what happens |',
    '| --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}
