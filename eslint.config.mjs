// Lint: typescript-eslint's recommended rules, plus the one architectural rule that matters most:
// imports between libs flow one way, down the layer list (docs/architecture.md), never back up.
import tseslint from 'typescript-eslint';

// Layers, lowest first: a lib may import only the ones before it. `stomp` is the reusable broker
// library (libs/stomp/src/*); the rest is the chat server built on it.
const LAYERS = [
  ['config', 'libs/config/**/*.ts', ['@app/config']],
  ['stomp', 'libs/stomp/**/*.ts', ['@app/stomp', '@app/stomp-*', '@app/messaging', '@app/broker-relay', '@app/message-routing']],
  ['chat', 'libs/chat/**/*.ts', ['@app/chat']],
  ['persistence', 'libs/persistence/**/*.ts', ['@app/persistence']],
  ['observability', 'libs/observability/**/*.ts', ['@app/observability']],
  ['transports', 'libs/transports/**/*.ts', ['@app/transports']],
];

const layerRules = LAYERS.map(([lib, files], i) => ({
  files: [files],
  rules: {
    'no-restricted-imports': ['error', {
      patterns: [
        {
          group: LAYERS.slice(i + 1).flatMap(([, , aliases]) => aliases).concat(['@app/*/src/*', '../../*/src/*']),
          message: `libs/${lib} may import only libs below it (${LAYERS.slice(0, i).map(([n]) => n).join(', ') || 'none'}), each through its index.`,
        },
      ],
    }],
  },
}));

// The broker library is configured only through its module options: nothing of the chat, of the
// server's environment schema or of its metrics registry may reach it.
const libraryRule = {
  files: ['libs/stomp/**/*.ts'],
  ignores: ['libs/stomp/src/codec/**'],
  rules: {
    'no-restricted-imports': ['error', {
      patterns: [{
        group: ['@app/config', '@app/chat', '@app/persistence', '@app/observability', '@app/transports', 'prom-client', '@app/*/src/*', '../../*/src/*'],
        message: 'libs/stomp is a library: options in through StompBrokerModule.forRoot, nothing of the chat server.',
      }],
    }],
  },
};

// The client library runs in browsers and in Node: nothing of the server, of Nest or of Node's own modules.
const clientLibraryRule = {
  files: ['libs/chat-client/**/*.ts'],
  rules: {
    'no-restricted-imports': ['error', {
      patterns: [{
        group: ['@app/*', '@nestjs/*', 'node:*', 'ws', '../../*'],
        message: 'libs/chat-client is the browser and Node client: no server code, no Nest, no Node modules (take platform pieces as options).',
      }],
    }],
  },
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'apps/web/dist/**', 'data/**', 'test-output/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-require-imports': 'off',
      'no-restricted-syntax': ['error', { selector: 'MemberExpression[object.name="process"][property.name="env"]', message: 'Read configuration through AppConfig (libs/config), not process.env.' }],
    },
  },
  {
    files: ['libs/config/**', 'apps/greeting/**', '**/*.spec.ts', '**/*-spec.ts', 'test/**', 'bench/**', 'fuzz/**', 'scripts/**', 'apps/web/**', '**/*.mjs'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  ...layerRules,
  libraryRule,
  clientLibraryRule,
  {
    files: ['libs/stomp/src/codec/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['@app/*', '@nestjs/*', 'node:net', 'node:http', 'node:fs', 'ws', '../*'], message: 'The codec is pure: no Nest, no I/O, nothing of ours.' }] }],
    },
  },
);
