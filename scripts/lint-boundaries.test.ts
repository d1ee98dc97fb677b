// The folder rules are enforced by lint so a reader can trust them: each case here lints one
// forbidden import as if it were written in that folder and checks the rule really fires, and one
// allowed import beside it checks the rule is not simply refusing everything.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const eslint = new ESLint({ cwd: root });

/** The messages of `no-restricted-imports` (either flavour) for `code` linted as `file`. */
async function restricted(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return (result?.messages ?? []).filter((m) => m.ruleId?.endsWith('no-restricted-imports')).map((m) => m.message);
}

const cases: { rule: string; file: string; forbidden: string; allowed: string; says: RegExp }[] = [
  {
    rule: 'the renderer uses no Node built-ins',
    file: 'renderer/console/board/Probe.tsx',
    forbidden: "import fs from 'node:fs';",
    allowed: "import { z } from 'zod';",
    says: /no Node built-ins/,
  },
  {
    rule: 'the renderer imports only contracts from server/',
    file: 'renderer/console/board/Probe.tsx',
    forbidden: "import { mutate } from '../../../server/core/mutate.js';",
    allowed: "import { WorkOrder } from '../../../server/work-orders/contract.js';",
    says: /import only contracts/,
  },
  {
    rule: 'server/ imports no electron',
    file: 'server/telemetry/probe.ts',
    forbidden: "import { app } from 'electron';",
    allowed: "import fs from 'node:fs';",
    says: /Only main\/ and preload\/ may import electron/,
  },
  {
    rule: 'server/ imports nothing of renderer/',
    file: 'server/reports/probe.ts',
    forbidden: "import { api } from '../../renderer/console/api/client.js';",
    allowed: "import { mutate } from '../core/mutate.js';",
    says: /import nothing of renderer/,
  },
  {
    rule: 'server/http/ (the framework) imports no feature folder',
    file: 'server/http/probe.ts',
    forbidden: "import { slaRoutes } from '../sla/routes.js';",
    allowed: "import { can } from '../auth/permissions.js';",
    says: /server\/http\/ is the framework/,
  },
  {
    rule: 'the hub reuses no depot SQLite code (server/core)',
    file: 'server/hub/nodes/probe.ts',
    forbidden: "import { mutate } from '../../core/mutate.js';",
    allowed: "import { can } from '../../auth/permissions.js';",
    says: /server\/hub\/ reuses only pure rules/,
  },
  {
    rule: 'the hub opens no depot database (db/client)',
    file: 'server/hub/probe.ts',
    forbidden: "import { openDatabase } from '../../db/client.js';",
    allowed: "import { ROLES } from '../../db/schema/index.js';",
    says: /server\/hub\/ reuses only pure rules/,
  },
  {
    rule: 'the hub uses no SQLite driver',
    file: 'server/hub/sync/probe.ts',
    forbidden: "import Database from 'better-sqlite3';",
    allowed: "import pg from 'pg';",
    says: /runs on PostgreSQL/,
  },
  {
    rule: 'the hub reuses no depot feature service, however deep the file',
    file: 'server/hub/sync/merge/probe.ts',
    forbidden: "import { transition } from '../../../work-orders/service.js';",
    allowed: "import { ruleFor } from '../../../work-orders/lifecycle.js';",
    says: /server\/hub\/ reuses only pure rules/,
  },
  {
    rule: 'db/ imports nothing of server/',
    file: 'db/probe.ts',
    forbidden: "import { mutate } from '../server/core/mutate.js';",
    allowed: "import { sqliteTable } from 'drizzle-orm/sqlite-core';",
    says: /db\/ imports nothing of server/,
  },
  {
    rule: 'contracts import only zod and other contracts',
    file: 'server/work-orders/contract.ts',
    forbidden: "import { mutate } from '../core/mutate.js';",
    allowed: "import { z } from 'zod';",
    says: /contract files import only zod/,
  },
  {
    rule: 'main/ imports no server internals, only the host entry',
    file: 'main/probe.ts',
    forbidden: "import { mutate } from '../server/core/mutate.js';",
    allowed: "import { loadConfig } from '../server/config.js';",
    says: /imports no server or db internals/,
  },
  {
    rule: 'main/ imports nothing of the renderer',
    file: 'main/probe.ts',
    forbidden: "import { api } from '../renderer/console/api/client.js';",
    allowed: "import path from 'node:path';",
    says: /IPC only/,
  },
  {
    rule: 'routes import no query builder or driver',
    file: 'server/teams/routes.ts',
    forbidden: "import { eq } from 'drizzle-orm';",
    allowed: "import { teams } from '../../db/schema/index.js';",
    says: /Routes never touch the database/,
  },
  {
    rule: 'the crew view imports nothing of the console',
    file: 'renderer/crew/jobs/Probe.tsx',
    forbidden: "import { api } from '../../console/api/client.js';",
    allowed: "import { api } from '../../shared/api/client.js';",
    says: /Only the console imports renderer\/console/,
  },
  {
    rule: 'the console imports nothing of the crew view',
    file: 'renderer/console/board/Probe.tsx',
    forbidden: "import { outbox } from '../../crew/offline/outbox.js';",
    allowed: "import { api } from '../../shared/api/client.js';",
    says: /Only the crew view imports renderer\/crew/,
  },
  {
    rule: "the managers' console imports nothing of the console",
    file: 'renderer/org/overview/Probe.tsx',
    forbidden: "import { KpiTable } from '../../console/reports/KpiTable.js';",
    allowed: "import { KpiTable } from '../../shared/reports/KpiTable.js';",
    says: /Only the console imports renderer\/console/,
  },
  {
    rule: "the managers' console imports nothing of the crew view",
    file: 'renderer/org/overview/Probe.tsx',
    forbidden: "import { outbox } from '../../crew/offline/outbox.js';",
    allowed: "import { OrgOverviewSchema } from '../../../server/org-view/contract.js';",
    says: /Only the crew view imports renderer\/crew/,
  },
  {
    rule: "the console imports nothing of the managers' console",
    file: 'renderer/console/reports/Probe.tsx',
    forbidden: "import { hub } from '../../org/api/client.js';",
    allowed: "import { OrgOverviewSchema } from '../../../server/org-view/contract.js';",
    says: /Only the managers' console imports renderer\/org/,
  },
  {
    rule: "the crew view imports nothing of the managers' console",
    file: 'renderer/crew/jobs/Probe.tsx',
    forbidden: "import { hub } from '../../org/api/client.js';",
    allowed: "import { api } from '../../shared/api/client.js';",
    says: /Only the managers' console imports renderer\/org/,
  },
  {
    rule: "shared renderer code imports nothing of the managers' console",
    file: 'renderer/shared/reports/probe.ts',
    forbidden: "import { hub } from '../../org/api/client.js';",
    allowed: "import { z } from 'zod';",
    says: /Only the managers' console imports renderer\/org/,
  },
  {
    rule: 'shared renderer code imports neither app',
    file: 'renderer/shared/api/probe.ts',
    forbidden: "import { outbox } from '../../crew/offline/outbox.js';",
    allowed: "import { z } from 'zod';",
    says: /Only the crew view imports renderer\/crew/,
  },
  {
    rule: 'the preload loads nothing but electron and its own files',
    file: 'preload/probe.ts',
    forbidden: "import fs from 'node:fs';",
    allowed: "import { contextBridge } from 'electron';",
    says: /sandboxed preload/,
  },
];

/** The messages of `no-restricted-syntax` for `code` linted as `file`. */
async function syntax(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-syntax').map((m) => m.message);
}

describe('folder boundaries enforced by lint', () => {
  it('when a route runs a query on the host database, then lint refuses it; passing the handle to a repo passes', async () => {
    const file = 'server/teams/routes.ts';
    for (const query of [
      'ctx.host.db.select().from(teams).all()',
      "host.sqlite.prepare('SELECT 1').get()",
      'db.insert(teams).values(row).run()',
    ]) {
      expect(
        (await syntax(file, `declare const ctx: any, host: any, db: any, teams: any, row: any;\nexport const probe = ${query};\n`)).join(
          '\n',
        ),
      ).toMatch(/Routes never touch the database/);
    }
    expect(
      await syntax(file, 'declare const ctx: any, listTeams: any;\nexport const probe = listTeams(ctx.host.db, ctx.orgId);\n'),
    ).toEqual([]);
    // The same query outside a route file is the repo's job and passes.
    expect(
      await syntax(
        'server/teams/repo.ts',
        'declare const ctx: any, teams: any;\nexport const probe = ctx.host.db.select().from(teams).all();\n',
      ),
    ).toEqual([]);
  });

  for (const c of cases) {
    it(`when ${c.file} breaks "${c.rule}", then lint refuses it; an allowed import passes`, async () => {
      const refused = await restricted(c.file, `${c.forbidden}\nexport const probe = [${c.forbidden.match(/import \{? ?(\w+)/)?.[1]}];\n`);
      expect(refused.join('\n')).toMatch(c.says);
      const passed = await restricted(c.file, `${c.allowed}\nexport const probe = [${c.allowed.match(/import \{? ?(\w+)/)?.[1]}];\n`);
      expect(passed).toEqual([]);
    });
  }
});
