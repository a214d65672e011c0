// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: ['node_modules/**', 'models/**', 'dist/**', 'coverage/**', '.tmp/**', 'var/**', 'web/dist/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: true },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        { allowNumber: true, allowBoolean: true },
      ],
    },
  },
  {
    // Plain JavaScript (scripts/, bin/, the worker entry, configs): the
    // recommended rules without type information, with Node's globals.
    files: ['**/*.mjs', '**/*.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      sourceType: 'module',
      parserOptions: { projectService: false, project: false },
      globals: Object.fromEntries(
        [
          'process',
          'console',
          'Buffer',
          'URL',
          'setTimeout',
          'clearTimeout',
          'setInterval',
          'clearInterval',
        ].map((g) => [g, 'readonly']),
      ),
    },
  },
  {
    // The broker client belongs to sync/ (both ends of the wire). Exceptions:
    // tests and benchmarks drive a real broker; the doctor's broker check
    // connects once with the operator's settings to report what fails.
    // (rules/ has its own, stricter list below, which replaces this one there.)
    files: ['**/*.ts'],
    ignores: ['sync/**', 'test/**', 'bench/**', 'gateway/doctor/systemChecks.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [{ name: 'mqtt', message: 'The MQTT client lives in sync/ (see sync/mqttConnect.ts).' }] },
      ],
    },
  },
  {
    // The rule engine is pure: no I/O, no clock, no randomness.
    files: ['rules/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['node:*', 'fs', 'net', 'http', 'https', 'child_process', 'os', 'path', 'crypto'],
              message: 'rules/ is pure: no I/O.',
            },
            {
              group: [
                'better-sqlite3',
                'mqtt',
                'serialport',
                'pino',
                'cassandra-driver',
                '../gateway/*',
                '../sync/*',
              ],
              message: 'rules/ is pure: no adapters.',
            },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'Date', message: 'rules/ has no clock: time comes in as data.' },
        { name: 'setTimeout', message: 'rules/ has no timers.' },
        { name: 'setInterval', message: 'rules/ has no timers.' },
        { name: 'process', message: 'rules/ reads no environment.' },
        { name: 'performance', message: 'rules/ has no clock: time comes in as data.' },
        { name: 'crypto', message: 'rules/ is deterministic: no randomness, no I/O.' },
        { name: 'globalThis', message: 'rules/ is pure: no reaching around the restricted globals.' },
        {
          name: 'Intl',
          message: 'rules/ has no time zone database: the day and its UTC offsets come in as data (SiteDay).',
        },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'Math', property: 'random', message: 'rules/ is deterministic.' },
      ],
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['describe', 'it', 'test', 'suite'] },
          ],
        },
      ],
    },
  },
);
