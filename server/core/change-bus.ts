import { EventEmitter } from 'node:events';

/** A committed change as clients see it on /ws: which tables and rows moved, not the rows themselves. */
export interface ChangeMessage {
  type: string;
  orgId: string;
  data: {
    tables: string[];
    changes: { table: string; id: string; op: 'insert' | 'update' | 'delete' }[];
    [key: string]: unknown;
  };
  at: string;
}

/**
 * In-process fan-out of committed changes. mutate() publishes only after COMMIT, so a listener
 * never sees a change that was rolled back.
 */
export class ChangeBus {
  private readonly emitter = new EventEmitter();

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  publish(message: ChangeMessage): void {
    this.emitter.emit('change', message);
  }

  subscribe(listener: (message: ChangeMessage) => void): () => void {
    this.emitter.on('change', listener);
    return () => this.emitter.off('change', listener);
  }
}
