export { PlainWsGateway, PLAIN_WS_PATH } from './plain-ws.gateway';
export { PlainWsClient, PlainWsClose, type PlainWsLimits } from './plain-ws-client';
