// Lint: typescript-eslint's recommended rules, plus the one architectural rule that matters most:
// imports between libs flow one way, down the layer list (ARCHITECTURE.md), never back up.
import tseslint from 'typescript-eslint';

const LAYERS = [
  'config',
  'stomp-codec',
  'messaging',
  'broker-relay',
  'stomp-session',
  'message-routing',
  'chat',
  'persistence',
  'observability',
  'transports',
];

const layerRules = LAYERS.map((lib, i) => ({
  files: [`libs/${lib}/**/*.ts`],
  rules: {
    'no-restricted-imports': ['error', {
      patterns: [
        {
          group: LAYERS.slice(i + 1).map((above) => `@app/${above}`).concat(['@app/*/src/*', '../../*/src/*']),
          message: `libs/${lib} may import only libs below it (${LAYERS.slice(0, i).join(', ') || 'none'}), each through its index.`,
        },
      ],
    }],
  },
}));

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
    files: ['libs/config/**', '**/*.spec.ts', '**/*-spec.ts', 'test/**', 'bench/**', 'fuzz/**', 'scripts/**', 'apps/web/**', '**/*.mjs'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  ...layerRules,
  {
    files: ['libs/stomp-codec/src/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['@app/*', '@nestjs/*', 'node:net', 'node:http', 'node:fs', 'ws'], message: 'The codec is pure: no Nest, no I/O, nothing of ours.' }] }],
    },
  },
);
