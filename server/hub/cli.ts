import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { ValidationError } from '../errors.js';
import { CreateOrgInput } from './accounts/contract.js';
import { createOrg } from './accounts/service.js';
import { migrateHub } from './db/migrate.js';
import { createAppLogin } from './db/app-login.js';
import { createHubPool } from './db/pool.js';
import { DEFAULT_HUB_CONFIG } from './deps.js';
import { issueCodesAsAdmin } from './enrolment/service.js';
import { startHub } from './serve.js';
import { HUB_FEATURES } from './app.js';
import type { HubFeature } from './http/route.js';
import { tryLocally } from './try-locally.js';

const USAGE = `Usage:
  npm run hub -- --database-url postgres://owner@host/db [--port 4500] [--host 127.0.0.1]
      [--app-database-url postgres://depotdesk_hub_web:…@host/db] [--tls-cert cert.pem --tls-key key.pem]
      migrates the hub's database (as the URL's role, its owner), then serves the hub; with a
      certificate and key it serves HTTPS (depots accept plain http:// only on a private network)
  npm run hub -- create-login --database-url postgres://owner@host/db [--name depotdesk_hub_web]
      creates (or gives a new password to) the login the hub serves through: it owns nothing and may
      only act as depotdesk_hub_app. Prints its URL for --app-database-url (keep it secret).
  npm run hub -- issue-code --database-url postgres://… --admin-email a@acme.example [--count 1]
      prints one-use enrolment codes (valid 24 h) of that hub admin's org, for depots to join with
  npm run hub -- create-org --database-url postgres://… --name "Acme Utilities" --admin-email a@acme.example
      [--admin-name "Ada Admin"] [--slug acme] [--admin-password …]
      creates an org and its first hub admin and prints their ids. The password may come from
      DEPOTDESK_HUB_ADMIN_PASSWORD instead of the command line (which other users can see in ps).
  npm run hub -- --local-cluster [--port 4500]
      to try sync on one machine: starts a throwaway PostgreSQL cluster (Debian's postgresql package;
      deleted when the hub stops), creates an org with a hub admin and prints two enrolment codes for
      depots (Settings → Sync in a depot's console). Not for real use: the cluster runs with fsync off.
The database URLs may come from DEPOTDESK_HUB_DATABASE_URL and DEPOTDESK_HUB_APP_DATABASE_URL.`;

function readPem(file: string, option: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (err) {
    fail(`${option} ${file}: ${(err as Error).message}`);
  }
}

function fail(message: string): never {
  console.error(`${message}\n\n${USAGE}`);
  process.exit(2);
}

/**
 * The hub's command line. `features` are the hub's routes; the entry that runs it
 * (server/org-view/hub-cli.ts) adds the managers' view, which this folder may not import.
 */
export async function main(argv: string[], features: HubFeature[] = HUB_FEATURES): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      'database-url': { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      name: { type: 'string' },
      slug: { type: 'string' },
      'admin-email': { type: 'string' },
      'admin-name': { type: 'string' },
      'admin-password': { type: 'string' },
      'local-cluster': { type: 'boolean' },
      'tls-cert': { type: 'string' },
      'app-database-url': { type: 'string' },
      count: { type: 'string' },
      'tls-key': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return void console.log(USAGE);
  if (values['local-cluster']) return tryLocally(values.port, features);
  const databaseUrl = values['database-url'] ?? process.env.DEPOTDESK_HUB_DATABASE_URL;
  if (!databaseUrl) fail('--database-url is required.');
  const command = positionals[0] ?? 'serve';

  if (command === 'create-org') {
    const parsed = CreateOrgInput.safeParse({
      name: values.name,
      slug: values.slug,
      adminEmail: values['admin-email'],
      adminName: values['admin-name'] ?? values['admin-email'],
      adminPassword: values['admin-password'] ?? process.env.DEPOTDESK_HUB_ADMIN_PASSWORD,
    });
    if (!parsed.success) fail(ValidationError.fromZod('options', parsed.error).message);
    await migrateHub(databaseUrl);
    const pool = createHubPool(databaseUrl, { max: 1 });
    try {
      const made = await createOrg(pool, Date.now(), parsed.data);
      console.log(
        JSON.stringify({ orgId: made.orgId, slug: made.slug, adminAccountId: made.accountId, adminEmail: parsed.data.adminEmail }),
      );
    } finally {
      await pool.end();
    }
    return;
  }
  if (command === 'issue-code') {
    const count = Number(values.count ?? 1);
    if (!Number.isInteger(count) || count < 1 || count > 50) fail('--count must be a whole number from 1 to 50.');
    if (!values['admin-email']) fail('--admin-email is required: the hub admin the codes are issued by.');
    await migrateHub(databaseUrl);
    const pool = createHubPool(databaseUrl, { max: 1 });
    try {
      const codes = await issueCodesAsAdmin(pool, values['admin-email'], count, Date.now(), DEFAULT_HUB_CONFIG.enrolmentCodeTtlMs);
      for (const c of codes) console.log(`${c.code}  (valid until ${new Date(c.expiresAt).toISOString()})`);
    } finally {
      await pool.end();
    }
    return;
  }
  if (command === 'create-login') {
    await migrateHub(databaseUrl);
    const url = await createAppLogin(databaseUrl, values.name === undefined ? {} : { name: values.name });
    console.log(url);
    console.error('Serve with: npm run hub -- --database-url <owner URL> --app-database-url <the URL above>');
    return;
  }
  if (command !== 'serve') fail(`Unknown command "${command}".`);
  const port = values.port === undefined ? 4500 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be a port number, not "${values.port}".`);
  const certFile = values['tls-cert'] ?? process.env.DEPOTDESK_HUB_TLS_CERT;
  const keyFile = values['tls-key'] ?? process.env.DEPOTDESK_HUB_TLS_KEY;
  if (Boolean(certFile) !== Boolean(keyFile)) fail('--tls-cert and --tls-key go together.');
  const tls = certFile && keyFile ? { cert: readPem(certFile, '--tls-cert'), key: readPem(keyFile, '--tls-key') } : undefined;
  const appDatabaseUrl = values['app-database-url'] ?? process.env.DEPOTDESK_HUB_APP_DATABASE_URL;
  const hub = await startHub({
    databaseUrl,
    port,
    host: values.host ?? '127.0.0.1',
    ...(appDatabaseUrl ? { appDatabaseUrl } : {}),
    ...(tls ? { tls } : {}),
    features,
  });
  console.error(`DepotDesk hub listening on ${hub.url}\n  API: ${hub.url}/hub/v1/openapi.json`);
  const stop = () => void hub.stop().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
