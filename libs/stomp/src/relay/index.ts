export { StompRelayBroker, type StompRelayOptions } from './stomp-relay.broker';
export { parseRelayUrl, RelayUrlError, type RelayTarget } from './relay-url';
export {
  toRabbitDestination,
  fromRabbitDestination,
  toRoutingKey,
  fromRoutingKey,
  RelayDestinationError,
  MAX_ROUTING_KEY_BYTES,
} from './relay-destination';
