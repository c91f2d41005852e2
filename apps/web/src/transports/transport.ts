// The transports the picker offers are the client library's (libs/chat-client).
export { TRANSPORTS, isTransportKind, type TransportKind } from '../../../../libs/chat-client/src';
