import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import fc from 'fast-check';
import { seedDemo } from '../server/seed/seed.js';
import { hostCommand, startChild } from '../server/child-host/spawn.js';
import { fuzzArbitrary, fuzzOnce, prepareTarget } from '../server/testing/fuzz/run.js';
import { describe, type FuzzRequest } from '../server/testing/fuzz/requests.js';

/**
 * `npm run fuzz -- --requests N [--seed S] [--concurrency C] [--keep]`: the test suite's
 * property-based fuzz (server/http/fuzz.test.ts), run longer against a real host process on a
 * small demo depot in a temp data dir. Prints counts by status and every request that got a 5xx
 * or an error that is not problem+json; exits 1 when there was any.
 */

function options() {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    strict: true,
    options: {
      requests: { type: 'string', default: '20000' },
      seed: { type: 'string' },
      concurrency: { type: 'string', default: '4' },
      keep: { type: 'boolean', default: false },
    },
  });
  const requests = Number(values.requests);
  const concurrency = Number(values.concurrency);
  if (!Number.isInteger(requests) || requests < 1 || !Number.isInteger(concurrency) || concurrency < 1) {
    throw new Error('usage: npm run fuzz -- --requests N [--seed S] [--concurrency C] [--keep]');
  }
  return {
    requests,
    concurrency,
    seed: values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(values.seed),
    keep: values.keep,
  };
}

interface Finding {
  req: FuzzRequest;
  problem: string;
}

async function main(): Promise<void> {
  const opts = options();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'depotdesk-fuzz-'));
  console.log(`Seeding a small demo depot in ${dataDir} …`);
  const seeded = await seedDemo({ dataDir, size: 'small', workOrders: 300, seed: 2026, force: false });
  const admin = seeded.logins.find((l) => l.role === 'admin');
  if (!admin) throw new Error('the demo seed made no admin');
  // Fuzzed sign-outs (POST /auth/logout with the admin's token) make the fuzzer sign in again, more
  // often than a person would: the sign-in limits are not what this run is about.
  process.env.DEPOTDESK_LOGIN_ATTEMPTS_PER_MINUTE = '1000000';
  process.env.DEPOTDESK_LOGIN_FAILURES_PER_ADDRESS_PER_MINUTE = '1000000';
  const command = hostCommand();
  const child = await startChild(command, dataDir, 'warn');
  console.log(`Host: ${command.label} at ${child.url}; ${opts.requests} requests, seed ${opts.seed}, concurrency ${opts.concurrency}`);
  const started = performance.now();
  const byStatus = new Map<string, number>();
  const findings: Finding[] = [];
  try {
    const target = await prepareTarget(child.url, { email: admin.email, password: admin.password });
    const arb = fuzzArbitrary(target);
    let sent = 0;
    // Generated in batches (the same seed gives the same run) so huge bodies never pile up in memory.
    for (let batch = 0; sent < opts.requests; batch++) {
      const requests = fc.sample(arb, { numRuns: Math.min(500, opts.requests - sent), seed: opts.seed + batch });
      let next = 0;
      const worker = async () => {
        while (next < requests.length) {
          const req = requests[next++]!;
          try {
            const { res, problem } = await fuzzOnce(target, req);
            const key = res.status === 0 ? 'closed while sending a large body' : String(res.status);
            byStatus.set(key, (byStatus.get(key) ?? 0) + 1);
            if (problem) findings.push({ req, problem });
          } catch (err) {
            byStatus.set('no answer', (byStatus.get('no answer') ?? 0) + 1);
            findings.push({ req, problem: `no answer: ${err instanceof Error ? err.message : String(err)}` });
          }
        }
      };
      await Promise.all(Array.from({ length: opts.concurrency }, worker));
      sent += requests.length;
      if (batch % 10 === 9) console.log(`  … ${sent} sent, ${findings.length} findings`);
    }
    target.agent.destroy();
    if (target.renewFailures.length)
      console.log(
        `The admin could not sign in again ${target.renewFailures.length} times (first: ${target.renewFailures[0]}); admin requests after that got 401.`,
      );
  } finally {
    await child.stop();
    if (!opts.keep) fs.rmSync(dataDir, { recursive: true, force: true });
  }
  const seconds = (performance.now() - started) / 1000;
  const total = [...byStatus.values()].reduce((a, b) => a + b, 0);
  const rows = [...byStatus.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([status, n]) => [status, String(n), `${((100 * n) / total).toFixed(1)} %`]);
  const width = [Math.max(6, ...rows.map((r) => r[0]!.length)), 8, 8];
  const line = (c: string[]) => `| ${c.map((v, i) => v.padEnd(width[i]!)).join(' | ')} |`;
  console.log(
    `\n${line(['status', 'requests', 'share'])}\n|${width.map((w) => '-'.repeat(w + 2)).join('|')}|\n${rows.map(line).join('\n')}`,
  );
  console.log(`\n${total} requests in ${seconds.toFixed(1)} s (${(total / seconds).toFixed(0)}/s), seed ${opts.seed}.`);
  if (!findings.length) {
    console.log('No 5xx and no error outside problem+json.');
    return;
  }
  console.log(`\n${findings.length} broken responses:`);
  for (const f of findings.slice(0, 100)) console.log(`- ${f.problem.split('\n')[0]}\n    ${describe(f.req)}`);
  if (findings.length > 100) console.log(`  … and ${findings.length - 100} more`);
  process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error(`fuzz: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
