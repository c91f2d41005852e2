export { AsyncApiOperation, AsyncApiPublishes, type AsyncApiOperationOptions, type AsyncApiPublication } from './asyncapi.decorators';
export { CLIENT_ERROR_SCHEMA, buildAsyncApiDocument, type AsyncApiDocument, type AsyncApiInfo, type AsyncApiServerAddress } from './asyncapi-document';
export { asyncApiMarkdown } from './asyncapi-markdown';
export { schemaOf, schemaOfClass, type JsonSchema, type SchemaSource } from './json-schema';
export { StompAsyncApi } from './stomp-asyncapi';
