/**
 * Backpressure for stream devices. Each open port queues its incoming chunks; one shared scheduler
 * decodes them in rounds on `setImmediate`, giving every port at most `budgetBytes` per round and
 * ending a round after `sliceMs`, so a flooding device delays the others by one slice at most and
 * never stalls the event loop. A port whose queue passes `pauseAboveBytes` is paused (the OS buffer
 * and then the sender absorb the flood) and resumed below a quarter of it; beyond `capBytes` the
 * oldest queued bytes are dropped and reported as an overflow.
 */

export interface SessionSink {
  chunk(chunk: Buffer, receivedAt: number): void;
  overflow(droppedBytes: number): void;
}

export interface SessionLimits {
  pauseAboveBytes: number;
  capBytes: number;
}

interface Pausable {
  pause(): unknown;
  resume(): unknown;
}

export class DrainScheduler {
  private readonly active = new Set<PortSession>();
  private scheduled = false;
  /** The longest single round (ms): what a flood can cost everybody else. */
  maxSliceMs = 0;
  rounds = 0;

  constructor(
    readonly budgetBytes = 16 * 1024,
    readonly sliceMs = 4,
  ) {}

  wake(session: PortSession): void {
    this.active.add(session);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.run());
    }
  }

  forget(session: PortSession): void {
    this.active.delete(session);
  }

  private run(): void {
    this.scheduled = false;
    this.rounds++;
    const started = performance.now();
    for (const s of [...this.active]) {
      s.drain(this.budgetBytes);
      // Re-inserting moves a session with more to do to the back: round-robin across rounds. A held
      // session leaves the round until it is released (wake), so held ports cost no empty rounds.
      this.active.delete(s);
      if (s.queued > 0 && !s.held) this.active.add(s);
      if (performance.now() - started > this.sliceMs) break;
    }
    this.maxSliceMs = Math.max(this.maxSliceMs, performance.now() - started);
    if (this.active.size > 0) {
      this.scheduled = true;
      setImmediate(() => this.run());
    }
  }
}

export class PortSession {
  private readonly queue: Array<{ chunk: Buffer; at: number }> = [];
  queued = 0;
  paused = false;
  /** Held back by the data side (its queue for this device is full): bytes queue up, none are decoded. */
  held = false;
  /** Times the port was paused because its queue was too long. */
  pauses = 0;

  constructor(
    private readonly port: Pausable,
    private readonly limits: SessionLimits,
    private readonly sink: SessionSink,
    private readonly scheduler: DrainScheduler,
    private readonly now: () => number,
  ) {}

  push(chunk: Buffer): void {
    this.queue.push({ chunk, at: this.now() });
    this.queued += chunk.length;
    if (this.queued > this.limits.capBytes) {
      let dropped = 0;
      while (this.queued > this.limits.capBytes && this.queue.length > 1) {
        const oldest = this.queue.shift() as { chunk: Buffer };
        dropped += oldest.chunk.length;
        this.queued -= oldest.chunk.length;
      }
      if (dropped > 0) this.sink.overflow(dropped);
    }
    if (!this.paused && this.queued > this.limits.pauseAboveBytes) {
      this.paused = true;
      this.pauses++;
      this.port.pause();
    }
    if (!this.held) this.scheduler.wake(this);
  }

  /** Backpressure from the data side: stop decoding (the queue fills, then the port is paused) or carry on. */
  hold(held: boolean): void {
    if (this.held === held) return;
    this.held = held;
    if (!held && this.queued > 0) this.scheduler.wake(this);
  }

  /** Decodes up to `budget` bytes (none while held; a hold set by what it decodes stops it there). */
  drain(budget: number): void {
    let used = 0;
    while (used < budget && this.queue.length > 0 && !this.held) {
      const head = this.queue[0] as { chunk: Buffer; at: number };
      const take = Math.min(head.chunk.length, budget - used);
      const piece = take === head.chunk.length ? head.chunk : head.chunk.subarray(0, take);
      if (take === head.chunk.length) this.queue.shift();
      else head.chunk = head.chunk.subarray(take);
      this.queued -= take;
      used += take;
      this.sink.chunk(piece, head.at);
    }
    if (this.paused && this.queued < this.limits.pauseAboveBytes / 4) {
      this.paused = false;
      this.port.resume();
    }
  }

  /** Decodes everything left (the port closed: no more bytes will come). */
  drainAll(): void {
    this.scheduler.forget(this);
    // The port is gone: what it sent is decoded now whatever the data side asked (its queue drops and counts the excess).
    this.held = false;
    this.drain(Infinity);
  }
}
