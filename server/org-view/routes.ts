import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino, type Logger } from 'pino';
import { z } from 'zod';
import { defineHubRoute, type HubFeature } from '../hub/http/route.js';
import type { HubDeps } from '../hub/deps.js';
import { KpiQuerySchema, KpiReportSchema } from '../reports/contract-kpi.js';
import {
  OpenWorkQuerySchema,
  OpenWorkSchema,
  OrgOverviewSchema,
  OrgPeriodSchema,
  OrgReportQuerySchema,
  ReplicaStatusSchema,
} from './contract.js';
import { OrgReplicas } from './replica.js';
import { OrgViewService } from './service.js';
import { mountOrgConsole } from './static.js';

export interface OrgViewOptions {
  /** Where org replicas are kept; default a fresh folder under the system's temp dir, removed on stop. */
  dir?: string;
  log?: Logger;
}

/**
 * The managers' view as a hub feature: read-only routes under /hub/v1/org for hub accounts (admins
 * and managers alike, each only their own org: the org comes from the session), and the managers'
 * console at "/". It is composed into the hub where the hub starts (server/org-view/hub-cli.ts, the
 * local hub of `npm run demo:sync`), since it runs the depot's SQLite code the hub itself does not.
 */
export function orgViewFeature(opts: OrgViewOptions = {}): HubFeature {
  let service: OrgViewService | null = null;
  let tempDir: string | null = null;
  const log = opts.log ?? pino({ level: 'warn' });
  const get = (deps: HubDeps): OrgViewService => {
    if (!service) {
      const dir = opts.dir ?? (tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'depotdesk-org-view-')));
      service = new OrgViewService(new OrgReplicas({ dir, pool: deps.pool, now: deps.now, log }), deps.pool, deps.now);
    }
    return service;
  };

  const overview = defineHubRoute({
    method: 'get',
    path: '/org/overview',
    summary: "The org's KPIs for a period, per depot and combined, with open and overdue work now (managers' view)",
    tag: 'managers',
    access: 'account',
    query: OrgPeriodSchema,
    response: OrgOverviewSchema,
    handler: ({ deps, auth, query }) => get(deps).overview(auth.orgId, query),
  });

  const kpis = defineHubRoute({
    method: 'get',
    path: '/org/kpis',
    summary: "Every KPI of a period for the whole org or one depot, with the depot Reports view's breakdowns",
    tag: 'managers',
    access: 'account',
    query: KpiQuerySchema,
    response: KpiReportSchema.extend({ replica: ReplicaStatusSchema }),
    handler: ({ deps, auth, query }) => get(deps).kpis(auth.orgId, query),
  });

  const openWork = defineHubRoute({
    method: 'get',
    path: '/org/open-work',
    summary: "Open work across the org's depots with positions, for the map (most urgent first)",
    tag: 'managers',
    access: 'account',
    query: OpenWorkQuerySchema,
    response: OpenWorkSchema,
    handler: ({ deps, auth, query }) => get(deps).openWork(auth.orgId, query.depotId),
  });

  const reportRoute = (file: 'kpi.pdf' | 'workbook.xlsx') =>
    defineHubRoute({
      method: 'get',
      path: `/org/reports/${file}`,
      summary:
        file === 'kpi.pdf'
          ? 'The KPI report PDF of a period for the whole org or one depot'
          : 'The KPI workbook (work orders, events, KPIs) of a period for the whole org or one depot',
      tag: 'managers',
      access: 'account',
      query: OrgReportQuerySchema,
      response: z.unknown().meta({
        description: file === 'kpi.pdf' ? 'application/pdf' : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      }),
      handler: async ({ deps, auth, query, res }) => {
        const built = await get(deps).report(auth.orgId, file === 'kpi.pdf' ? 'kpi-pdf' : 'workbook', query);
        res.set('Cache-Control', 'private, no-store');
        res.attachment(built.fileName);
        await new Promise<void>((resolve, reject) => {
          res.sendFile(built.file, { dotfiles: 'allow' }, (err) => {
            fs.rmSync(built.file, { force: true });
            if (err && !res.headersSent) reject(err);
            else resolve();
          });
        });
      },
    });

  return {
    name: 'org-view',
    routes: [overview, kpis, openWork, reportRoute('kpi.pdf'), reportRoute('workbook.xlsx')],
    mount: (app) => mountOrgConsole(app),
    attach: () => async () => {
      await service?.close();
      service = null;
      if (tempDir) fs.rmSync(tempDir, { recursive: true, force: true });
    },
  };
}
