export { PlainWsTransport, PLAIN_WS_PATH } from './plain-ws.transport';
export { PlainWsClient, PlainWsClose, type PlainWsLimits } from './plain-ws-client';
