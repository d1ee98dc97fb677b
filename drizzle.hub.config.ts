import { defineConfig } from 'drizzle-kit';

// The hub's PostgreSQL schema (server/hub/, docs/sync.md), apart from the depot's SQLite one.
// Generate with `npx drizzle-kit generate --config drizzle.hub.config.ts`; row-level security, the
// app role and the lookup functions are a custom migration after the tables (`--custom`).
export default defineConfig({
  dialect: 'postgresql',
  schema: './server/hub/db/schema.ts',
  out: './server/hub/db/migrations',
});
