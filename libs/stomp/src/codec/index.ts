export * from './frame';
export * from './codec-error';
export { StompDecoder, type DecoderCommands, type DecoderOptions } from './stomp-decoder';
export { encodeFrame, encodeHeaderLine } from './stomp-encoder';
export { escapeHeader, unescapeHeader, usesEscaping } from './header-escape';
export { createMessageTemplate, type MessageTemplate } from './message-template';
export {
  HEARTBEAT_CRLF, HEARTBEAT_EOL, SUPPORTED_VERSIONS, negotiateHeartbeat, negotiateVersion, type HeartbeatPlan,
} from './negotiation';
