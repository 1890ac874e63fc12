import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // Tests build and poke at arbitrary JSON payloads.
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // The rule engine is pure: no I/O, no clock, no env. The CLI's dry run and the server share it.
    files: ['src/rules/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: ['node:*', 'fs', 'http', 'https', 'net', 'express', 'better-sqlite3', 'pino', '@slack/*', 'discord.js', '@hubspot/*', '../store/*', '../dispatch/*', '../receive/*'], message: 'src/rules is pure: no I/O imports.' },
      ] }],
      'no-restricted-globals': ['error', { name: 'process', message: 'src/rules is pure: pass values in.' }],
      'no-restricted-properties': ['error', { object: 'Date', property: 'now', message: 'src/rules is pure: pass the clock in.' }, { object: 'Math', property: 'random', message: 'src/rules is pure.' }],
    },
  },
);
