import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from '../testing/harness.js';

/**
 * resources/monitoring/: the alert rules and the Grafana dashboard operators load. promtool (Debian's
 * prometheus package, installed by .ci/run) checks and unit-tests the rules; every metric they and the
 * dashboard query must be one a real host serves, or an alert would silently never fire.
 */
const DIR = path.resolve(import.meta.dirname, '../../resources/monitoring');

function promtool(...args: string[]): string {
  try {
    return execFileSync('promtool', args, { cwd: DIR, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    const e = err as { code?: string; stdout?: string; stderr?: string };
    if (e.code === 'ENOENT') throw new Error("promtool is not installed: apt-get install prometheus (Debian's package has it)");
    throw new Error(`promtool ${args.join(' ')} failed:\n${e.stdout ?? ''}${e.stderr ?? ''}`);
  }
}

/** Metric names in PromQL expressions: identifiers followed by a selector, a range or the end, minus functions and keywords. */
function metricNames(expr: string): string[] {
  const withoutStrings = expr.replace(/"[^"]*"/g, '""');
  const names = new Set<string>();
  for (const m of withoutStrings.matchAll(/\b([a-z_][a-z0-9_]*)\b(?!\s*\()/g)) {
    const name = m[1]!;
    if (name.startsWith('depotdesk_') || name === 'up') names.add(name);
  }
  return [...names];
}

let t: TestHost;
let served: Set<string>;

beforeAll(async () => {
  t = await startTestHost();
  const text = await (await fetch(`${t.url}/metrics`)).text();
  served = new Set(
    [...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].flatMap(([, name, type]) =>
      type === 'histogram'
        ? [`${name}_bucket`, `${name}_sum`, `${name}_count`]
        : type === 'summary'
          ? [name!, `${name}_sum`, `${name}_count`]
          : [name!],
    ),
  );
  // Prometheus's own series for every target.
  served.add('up');
});
afterAll(() => t.close());

describe('monitoring resources', () => {
  it('when promtool checks the rules and the example config and runs the rules’ unit tests, then all pass', () => {
    expect(promtool('check', 'rules', 'alerts.yml')).toContain('SUCCESS');
    expect(promtool('check', 'config', 'prometheus.example.yml')).toContain('SUCCESS');
    expect(promtool('test', 'rules', 'alerts.test.yml')).toContain('SUCCESS');
  });

  it('when the alert rules query a metric, then the host serves it', () => {
    const rules = fs.readFileSync(path.join(DIR, 'alerts.yml'), 'utf8');
    const exprs = [...rules.matchAll(/^\s+expr: (.+)$/gm)].map((m) => m[1]!);
    expect(exprs.length).toBeGreaterThanOrEqual(10);
    const missing = exprs.flatMap(metricNames).filter((n) => !served.has(n));
    expect(missing).toEqual([]);
  });

  it('when the dashboard queries a metric, then the host serves it, and every panel has a query', () => {
    const dash = JSON.parse(fs.readFileSync(path.join(DIR, 'grafana-dashboard.json'), 'utf8')) as {
      panels: { type: string; title: string; targets?: { expr: string }[] }[];
      templating: { list: { definition: string }[] };
    };
    const panels = dash.panels.filter((p) => p.type !== 'row');
    expect(panels.length).toBeGreaterThanOrEqual(10);
    for (const p of panels) expect(p.targets?.length, p.title).toBeGreaterThan(0);
    const exprs = [...panels.flatMap((p) => p.targets!.map((x) => x.expr)), ...dash.templating.list.map((v) => v.definition)];
    const missing = exprs.flatMap(metricNames).filter((n) => !served.has(n));
    expect(missing).toEqual([]);
  });
});
