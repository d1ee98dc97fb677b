import { prng } from '../testing/fault-proxy.js';
import type { FaultMode } from '../testing/fault-proxy.js';

/**
 * One fault schedule, drawn from a seed: what the operators do at which depot, which faults the
 * network has, and when a process is killed. The same seed gives the same steps (the processes'
 * timing still varies, which is why a schedule is checked by its end state, not its path).
 */

export type Step =
  | { kind: 'create'; depot: number; title: string; planned: boolean }
  | { kind: 'edit'; depot: number; pick: number; field: 'title' | 'priority' | 'description'; value: string }
  | { kind: 'transition'; depot: number; pick: number; to: string; reason?: string }
  | { kind: 'note'; depot: number; pick: number; body: string; key: string }
  /** A phone's outbox sending an earlier keyed note again (after a lost answer, a restart, days offline). */
  | { kind: 'replay'; depot: number; pick: number }
  | { kind: 'message'; depot: number; pick: number; body: string }
  | { kind: 'material'; depot: number; pick: number; quantity: number }
  /** Codes come from a small set, so two depots creating the same code meet the natural-key rule. */
  | { kind: 'location-create'; depot: number; code: string; name: string }
  | { kind: 'location-edit'; depot: number; pick: number; name: string }
  | { kind: 'location-delete'; depot: number; pick: number }
  | { kind: 'location-restore'; depot: number; pick: number }
  | { kind: 'sync'; depot: number }
  | { kind: 'backup'; depot: number }
  /** The depot's latest backup put back (possibly one from an earlier schedule: yesterday's). */
  | { kind: 'restore-backup'; depot: number }
  | { kind: 'fault'; depot: number; choices: FaultMode[]; probability: number }
  | { kind: 'partition'; depot: number }
  | { kind: 'heal'; depot: number }
  | { kind: 'kill-depot'; depot: number; afterMs: number }
  | { kind: 'kill-hub'; afterMs: number };

const PRIORITIES = ['low', 'medium', 'high', 'urgent'];
/** Moves tried on a random work order; the lifecycle refuses the ones that do not apply (not acknowledged, not counted). */
const MOVES: { to: string; reason?: string }[] = [
  { to: 'SCHEDULED' },
  { to: 'NEW' },
  { to: 'ON_HOLD', reason: 'Waiting for parts (fuzz)' },
  { to: 'CANCELLED', reason: 'Raised twice (fuzz)' },
];
const FAULTS: FaultMode[] = ['drop', 'duplicate', 'lose-answer', 'delay', 'reset-mid-body'];

export function scheduleFor(seed: number, steps: number): Step[] {
  const r = prng(seed >>> 0);
  const int = (n: number) => Math.floor(r() * n);
  const word = () => ['pump', 'valve', 'meter', 'cable', 'hydrant', 'gate', 'feeder'][int(7)]!;
  const out: Step[] = [];
  for (let i = 0; i < steps; i++) {
    const depot = int(3);
    const roll = r();
    if (roll < 0.2) out.push({ kind: 'create', depot, title: `${word()} ${seed}-${i}`, planned: r() < 0.5 });
    else if (roll < 0.3) {
      const field = (['title', 'priority', 'description'] as const)[int(3)]!;
      const value = field === 'priority' ? PRIORITIES[int(4)]! : `${field} ${word()} from ${'ABC'[depot]} at ${seed}-${i}`;
      out.push({ kind: 'edit', depot, pick: r(), field, value });
    } else if (roll < 0.38) out.push({ kind: 'transition', depot, pick: r(), ...MOVES[int(MOVES.length)]! });
    else if (roll < 0.43) out.push({ kind: 'note', depot, pick: r(), body: `note ${seed}-${i}`, key: `fuzz-note-${seed}-${i}` });
    else if (roll < 0.47) out.push({ kind: 'replay', depot, pick: r() });
    else if (roll < 0.51) out.push({ kind: 'message', depot, pick: r(), body: `message ${seed}-${i}` });
    else if (roll < 0.55) out.push({ kind: 'material', depot, pick: r(), quantity: 1 + int(3) });
    else if (roll < 0.6) out.push({ kind: 'location-create', depot, code: `L${int(8)}`, name: `${word()} site ${seed}-${i}` });
    else if (roll < 0.64) out.push({ kind: 'location-edit', depot, pick: r(), name: `${word()} yard ${seed}-${i}` });
    else if (roll < 0.67) out.push({ kind: 'location-delete', depot, pick: r() });
    else if (roll < 0.7) out.push({ kind: 'location-restore', depot, pick: r() });
    else if (roll < 0.75) out.push({ kind: 'sync', depot });
    else if (roll < 0.765) out.push({ kind: 'backup', depot });
    else if (roll < 0.78) out.push({ kind: 'restore-backup', depot });
    else if (roll < 0.85) out.push({ kind: 'fault', depot, choices: FAULTS.filter(() => r() < 0.6), probability: 0.3 + r() * 0.5 });
    else if (roll < 0.89) out.push({ kind: 'partition', depot });
    else if (roll < 0.95) out.push({ kind: 'heal', depot });
    else if (roll < 0.985) out.push({ kind: 'kill-depot', depot, afterMs: int(300) });
    else out.push({ kind: 'kill-hub', afterMs: int(300) });
  }
  return out;
}
