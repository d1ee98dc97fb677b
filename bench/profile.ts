import fs from 'node:fs';
import path from 'node:path';

/** Summarises a V8 `.cpuprofile` (from `node --cpu-prof`): self time per function, the biggest first. */

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  hitCount?: number;
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface Frame {
  name: string;
  /** Self time as a share of the busy (non-idle) samples. */
  selfPct: number;
}

export interface ProfileSummary {
  file: string;
  seconds: number;
  idlePct: number;
  gcPct: number;
  top: Frame[];
}

function label(f: CallFrame, root: string): string {
  const where = f.url ? `${path.relative(root, f.url.replace(/^file:\/\//, ''))}:${f.lineNumber + 1}` : 'native';
  return `${f.functionName || '(anonymous)'} ${where}`;
}

export function summariseProfile(file: string, root: string, top = 5): ProfileSummary {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  let total = 0;
  // Each sample is charged the time until the next one (timeDeltas[i + 1]), like DevTools does.
  for (let i = 0; i < profile.samples.length; i++) {
    const node = byId.get(profile.samples[i] as number);
    const dt = profile.timeDeltas[i + 1] ?? 0;
    if (!node) continue;
    const key = label(node.callFrame, root);
    self.set(key, (self.get(key) ?? 0) + dt);
    total += dt;
  }
  const pct = (us: number) => (total > 0 ? (100 * us) / total : 0);
  const sumOf = (name: string) => [...self].filter(([k]) => k.startsWith(name)).reduce((s, [, v]) => s + v, 0);
  const special = (name: string) => pct(sumOf(name));
  // Frames as a share of the busy time: the profile also covers start-up and waiting for the disk.
  const busy = total - sumOf('(idle)');
  const frames = [...self]
    .filter(([k]) => !k.startsWith('(idle)') && !k.startsWith('(garbage collector)') && !k.startsWith('(program)'))
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, us]) => ({ name, selfPct: busy > 0 ? (100 * us) / busy : 0 }));
  return { file, seconds: total / 1e6, idlePct: special('(idle)'), gcPct: special('(garbage collector)'), top: frames };
}

/**
 * The newest main-thread `.cpuprofile` in `dir`. Node names them CPU.<date>.<time>.<pid>.<thread>.<seq>,
 * one per thread (the host's checkpoint, report and log threads write their own); thread 0 is the event loop.
 */
export function newestProfile(dir: string): string | null {
  const files = fs
    .readdirSync(dir)
    .filter((f) => /^CPU\.\d+\.\d+\.\d+\.0\.\d+\.cpuprofile$/.test(f))
    .map((f) => path.join(dir, f));
  files.sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs);
  return files[0] ?? null;
}
