export { StompBrokerModule, type StompBrokerAsyncOptions, type StompBrokerModuleExtras } from './stomp-broker.module';
export { STOMP_BROKER_OPTIONS, resolveOptions, type ResolvedStompBrokerOptions, type StompBrokerOptions, type StompEndpointOptions, type StompTcpListenerOptions } from './stomp-broker.options';
export { RouterStompApplication } from './router-stomp.application';
export { StompEndpointServer } from './stomp-endpoint.server';
export { StompTcpServer, type StompTcpListening } from './stomp-tcp.server';
