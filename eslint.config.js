// Lint enforces the process boundaries of STYLE.md rule 1: which runtime each folder may reach.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const noElectron = { name: 'electron', message: 'Only main/ and preload/ may import electron (STYLE 1).' };
// The host serves the renderer's built files; it never imports its code (the renderer is a web client).
const noRenderer = { group: ['**/renderer/**'], message: 'server/, db/ and bench/ import nothing of renderer/ (DESIGN folders).' };

// What every renderer file may not import (STYLE 1): it runs in a browser and talks HTTP to the host.
const rendererPatterns = [
  { group: ['node:*'], message: 'The renderer runs in a browser: no Node built-ins (STYLE 1).' },
  { regex: '(^|/)(db|server)/(?!.*contract[\\w-]*(\\.js)?$)', message: 'The renderer talks HTTP; import only contracts from server/.' },
];
const noConsoleApp = {
  regex: '(^|/)console/',
  message: 'Only the console imports renderer/console/; move shared code to renderer/shared/ or renderer/ui/ (STYLE 7).',
};
const noCrewApp = {
  regex: '(^|/)crew/',
  message: 'Only the crew view imports renderer/crew/; move shared code to renderer/shared/ or renderer/ui/ (STYLE 7).',
};
const noOrgApp = {
  regex: '(^|/)org/',
  message: "Only the managers' console imports renderer/org/; move shared code to renderer/shared/ or renderer/ui/ (STYLE 7).",
};

// The hub (server/hub/, PostgreSQL) reuses only pure rules of the depot (issue 15, docs/sync.md): its
// own folder; server/errors.ts; the permission, password, lifecycle, sync contract and permit
// modules, the push wire's dictionary compression and the drift check's content hash; the HTTP parser-error answer; the test PostgreSQL helper; and db/schema/ (tables, types
// and sync policies, which open no database). Never better-sqlite3, db/client, server/core (mutate,
// the host) or a depot feature's service: they are synchronous SQLite code. ESLint matches import
// strings, not resolved files, so the rule is written per folder depth: at depth d, d+1 "../" leave
// server/hub/ and d+2 reach the repository root.
const HUB_REUSES = [
  'errors',
  'auth/permissions',
  'auth/passwords',
  'work-orders/lifecycle',
  'sync/contract-protocol',
  'sync/push-dictionary',
  'sync/content-hash',
  'sync/permits',
  'http/client-error',
  'testing/pg',
];
const hubMessage =
  'server/hub/ reuses only pure rules of the depot (errors, permissions, passwords, lifecycle, sync contract and permits, db/schema); never SQLite code (issue 15).';
const noSqlitePackages = {
  group: ['better-sqlite3', 'drizzle-orm/better-sqlite3'],
  message: 'server/hub/ runs on PostgreSQL; the depot SQLite driver is not for it (issue 15).',
};
const hubRouteNoDb = {
  group: ['drizzle-orm', 'drizzle-orm/*', 'pg'],
  message: "Routes never touch the database: query in the feature's service (issue 12, docs/architecture.md).",
};
function hubBlocks() {
  const blocks = [];
  for (let depth = 0; depth < 4; depth++) {
    const dir = ['server/hub', ...Array(depth).fill('*')].join('/');
    const up = `(\\.\\./){${depth + 1}}`;
    const leaving = {
      regex: `^${up}(?!(${HUB_REUSES.join('|')})(\\.js)?$)(?!\\.\\./db/schema/)`,
      message: hubMessage,
    };
    const patterns = [noRenderer, noSqlitePackages, leaving];
    blocks.push({ files: [`${dir}/*.ts`], rules: { 'no-restricted-imports': ['error', { paths: [noElectron], patterns }] } });
    blocks.push({
      files: [`${dir}/routes*.ts`],
      rules: { 'no-restricted-imports': ['error', { paths: [noElectron], patterns: [...patterns, hubRouteNoDb] }] },
    });
  }
  return blocks;
}

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
    rules: { 'no-restricted-imports': ['error', { paths: [noElectron], patterns: [noRenderer] }] },
  },
  {
    // No exemption: the demo seeder drives server services, so it lives in server/seed/ (issue 12, item 6).
    files: ['db/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [noElectron], patterns: [{ group: ['**/server/**'], message: 'db/ imports nothing of server/ (DESIGN folders).' }] },
      ],
    },
  },
  {
    // server/http/ is the framework (issue 12, item 3): features import it, it imports no feature, so
    // adding a feature never edits it (the registry of feature routes is server/routes.ts). Allowed:
    // - ../core/*, ../errors.js, ../config.js: the host's own kernel, below every feature;
    // - ../../db/*: the idempotency store is a framework table (DESIGN: server/ may import db/);
    // - ../auth/permissions.js: a route declares the permission it needs and the framework checks it
    //   (route.ts, crud.ts); it is the pure role table, imports nothing else, and the hub reuses it too;
    // - ../services.js: type-only, so a handler's input names the services object it is given.
    // Tests are exempt: they drive the whole host, with feature fixtures, as a client would.
    files: ['server/http/**/*.ts'],
    ignores: ['server/http/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [noElectron],
          patterns: [
            noRenderer,
            {
              regex: '^\\.\\./(?!core/|errors\\.js$|config\\.js$|auth/permissions\\.js$|services\\.js$|\\.\\./db/)',
              message: 'server/http/ is the framework: it imports no feature folder (issue 12; see the comment above this rule).',
            },
          ],
        },
      ],
    },
  },
  {
    // Routes never touch the database (issue 12, item 5): a route declares its contract and calls the
    // feature's service (writes, through mutate) or repo (reads), so every query is where a reader looks
    // for it and the hub can reuse a route's contract without SQLite. Passing \`host.db\` along is fine;
    // building or running a query is not. Table objects may still be named in a CRUD declaration.
    files: ['server/**/routes*.ts', 'server/**/*-routes.ts', 'server/**/*-route.ts'],
    ignores: ['server/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [noElectron],
          patterns: [
            noRenderer,
            {
              group: ['drizzle-orm', 'drizzle-orm/*', 'better-sqlite3'],
              message:
                "Routes never touch the database: query in the feature's repo.ts, write through its service (issue 12, docs/architecture.md).",
            },
          ],
        },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector:
            'MemberExpression:matches([object.name=/^(db|sqlite)$/], [object.property.name=/^(db|sqlite)$/])[property.name=/^(select|selectDistinct|insert|update|delete|prepare|exec|transaction|run|all|get|pragma|query)$/]',
          message:
            "Routes never touch the database: query in the feature's repo.ts, write through its service (issue 12, docs/architecture.md).",
        },
      ],
    },
  },
  // After the routes rule (a hub route keeps its no-database ban) and before the contracts rule (stricter still).
  ...hubBlocks(),
  {
    // Contracts are bundled by the renderer later: zod and other contracts only.
    files: ['server/**/contract.ts', 'server/**/contract-*.ts', 'server/**/crud-contract.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [noElectron],
          patterns: [
            { regex: '^(?!zod$)(?!.*contract[\\w-]*\\.js$)', message: 'contract files import only zod and other contracts (STYLE 1, 8).' },
          ],
        },
      ],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    ignores: ['renderer/vite.config.ts'],
    languageOptions: { globals: { ...globals.browser } },
    rules: { 'no-restricted-imports': ['error', { paths: [noElectron], patterns: rendererPatterns }] },
  },
  // Renderer apps (issue 12, item 1): the console, the crew view and the managers' console (served by
  // the hub) never import each other; what they share lives in renderer/shared/, renderer/ui/ and
  // renderer/platform/, which import no app.
  // Repeats the renderer patterns because a later block's options replace, not extend, earlier ones.
  {
    files: ['renderer/crew/**/*.{ts,tsx}'],
    rules: { 'no-restricted-imports': ['error', { paths: [noElectron], patterns: [...rendererPatterns, noConsoleApp, noOrgApp] }] },
  },
  {
    files: ['renderer/console/**/*.{ts,tsx}'],
    rules: { 'no-restricted-imports': ['error', { paths: [noElectron], patterns: [...rendererPatterns, noCrewApp, noOrgApp] }] },
  },
  {
    files: ['renderer/org/**/*.{ts,tsx}'],
    rules: { 'no-restricted-imports': ['error', { paths: [noElectron], patterns: [...rendererPatterns, noConsoleApp, noCrewApp] }] },
  },
  {
    files: ['renderer/{shared,ui,platform}/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': ['error', { paths: [noElectron], patterns: [...rendererPatterns, noConsoleApp, noCrewApp, noOrgApp] }],
    },
  },
  {
    // Electron main: electron and node:* yes; nothing of the renderer (it is a web client, STYLE 1).
    files: ['main/**/*.ts'],
    // Tests may read the host's own policy to compare with main's (main/csp-consistency.test.ts).
    ignores: ['main/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/renderer/**'], message: 'main/ talks to the console over IPC only (STYLE 1, 6).' },
            // main supervises the host as a separate process; only its entry (and the config it takes) may be named here.
            {
              regex: '(^|/)(server|db)/(?!(start|config)(\\.js)?$)',
              message: 'main/ starts the depot host; it imports no server or db internals (STYLE 2).',
            },
          ],
        },
      ],
    },
  },
  {
    // The sandboxed preload: Electron's contextBridge/ipcRenderer, its own files, and types of the platform it implements.
    files: ['preload/**/*.ts'],
    ignores: ['preload/**/*.test.ts'],
    rules: {
      'no-restricted-imports': 'off',
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'electron',
              allowImportNames: ['contextBridge', 'ipcRenderer'],
              message: 'The preload uses only contextBridge and ipcRenderer (STYLE 3).',
            },
          ],
          patterns: [
            {
              regex: '^\\.\\./renderer/platform/types(\\.js)?$',
              allowTypeImports: true,
              message: 'The preload imports only the DesktopPlatform types from the renderer.',
            },
            {
              regex: '^(?!electron$)(?!\\./)(?!\\.\\./renderer/platform/types(\\.js)?$)',
              message: 'A sandboxed preload can load nothing but electron and its own bundled files (STYLE 3).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.test.ts', 'server/testing/**'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
