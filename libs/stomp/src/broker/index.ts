export { createMessage, nextMessageId, type BrokerMessage } from './broker-message';
export { isApplicationHeader, applicationHeaders, CONTENT_TYPE } from './application-headers';
export { BROKER, type BrokerHealth, type BrokerPort, type Subscriber } from './broker.port';
export { SubscriptionRegistry, DuplicateSubscriptionError, type Subscription } from './subscription-registry';
export { fanOut, callLive, type DeliveryErrorHandler } from './fan-out';
export { SimpleBroker, type SimpleBrokerOptions } from './simple.broker';
export { UserSessionRegistry } from '../user/user-session.registry';
export {
  UserDestinations,
  UserDestinationError,
  USER_PREFIX,
  USER_BROADCAST_DESTINATION,
  USER_TARGET_HEADER,
  USER_DESTINATION_HEADER,
} from '../user/user-destinations';
export { UserBroadcastListener } from '../user/user-broadcast.listener';
export {
  CLUSTER_REGISTRY_OPTIONS,
  ClusterUserRegistry,
  USER_REGISTRY_BROADCAST,
  UserEvents,
  type ClusterRegistryOptions,
  type UserDisconnectEvent,
  type UserPresenceEvent,
  type PresenceChangeEvent,
  type PresentUser,
} from '../user/cluster-user.registry';
export {
  MessagingTemplate,
  JSON_CONTENT_TYPE,
  TEXT_CONTENT_TYPE,
  BINARY_CONTENT_TYPE,
  type MessageHeaders,
  type Payload,
} from './messaging.template';
export { MessagingModule, type MessagingModuleOptions, type BrokerFactory } from './messaging.module';
export { brokerContract, type BrokerContractOptions } from './testing/broker-contract';
