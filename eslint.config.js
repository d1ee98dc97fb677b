// Lint enforces the process boundaries of STYLE.md rule 1: which runtime each folder may reach.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const noElectron = { name: 'electron', message: 'Only main/ and preload/ may import electron (STYLE 1).' };

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'db/migrations/**', 'test-results/**', 'playwright-report/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/ban-ts-comment': ['error', { 'ts-nocheck': true, 'ts-expect-error': 'allow-with-description' }],
      'no-empty': ['error', { allowEmptyCatch: false }],
    },
  },
  {
    files: ['server/**/*.ts', 'db/**/*.ts', 'bench/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [noElectron] }] },
  },
  {
    files: ['db/**/*.ts'],
    ignores: ['db/seed/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: [noElectron], patterns: [{ group: ['**/server/**'], message: 'db/ imports nothing of server/ (DESIGN folders).' }] }],
    },
  },
  {
    // Contracts are bundled by the renderer later: zod and other contracts only.
    files: ['server/**/contract.ts', 'server/**/contract-*.ts', 'server/**/crud-contract.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [noElectron],
        patterns: [{ regex: '^(?!zod$)(?!.*contract[\\w-]*\\.js$)', message: 'contract files import only zod and other contracts (STYLE 1, 8).' }],
      }],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    ignores: ['renderer/vite.config.ts'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': ['error', {
        paths: [noElectron],
        patterns: [
          { group: ['node:*'], message: 'The renderer runs in a browser: no Node built-ins (STYLE 1).' },
          { regex: '(^|/)(db|server)/(?!.*contract[\\w-]*(\\.js)?$)', message: 'The renderer talks HTTP; import only contracts from server/.' },
        ],
      }],
    },
  },
  {
    // Electron main: electron and node:* yes; nothing of the renderer (it is a web client, STYLE 1).
    files: ['main/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/renderer/**'], message: 'main/ talks to the console over IPC only (STYLE 1, 6).' }] }],
    },
  },
  {
    // The sandboxed preload: Electron's contextBridge/ipcRenderer, its own files, and types of the platform it implements.
    files: ['preload/**/*.ts'],
    ignores: ['preload/**/*.test.ts'],
    rules: {
      'no-restricted-imports': 'off',
      '@typescript-eslint/no-restricted-imports': ['error', {
        paths: [{ name: 'electron', allowImportNames: ['contextBridge', 'ipcRenderer'], message: 'The preload uses only contextBridge and ipcRenderer (STYLE 3).' }],
        patterns: [
          { regex: '^\\.\\./renderer/platform/types(\\.js)?$', allowTypeImports: true, message: 'The preload imports only the DesktopPlatform types from the renderer.' },
          { regex: '^(?!electron$)(?!\\./)(?!\\.\\./renderer/platform/types(\\.js)?$)', message: 'A sandboxed preload can load nothing but electron and its own bundled files (STYLE 3).' },
        ],
      }],
    },
  },
  {
    files: ['**/*.test.ts', 'server/testing/**'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
