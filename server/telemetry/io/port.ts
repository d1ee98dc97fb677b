import type { SerialPort } from 'serialport';
import type { SerialSettings } from '../types.js';

export type PortInfo = Awaited<ReturnType<typeof SerialPort.list>>[number];

/**
 * The slice of serialport's API the device manager uses, so tests inject `SerialPortMock` and
 * production passes `SerialPort` (both satisfy it).
 */
export interface PortLike {
  readonly isOpen: boolean;
  open(callback?: (err: Error | null) => void): void;
  close(callback?: (err?: Error | null) => void): void;
  write(data: Buffer): boolean;
  pause(): unknown;
  resume(): unknown;
  on(event: 'data', listener: (chunk: Buffer) => void): unknown;
  on(event: 'error', listener: (err: Error) => void): unknown;
  on(event: 'close', listener: (err?: (Error & { disconnected?: boolean }) | null) => void): unknown;
  on(event: 'end', listener: () => void): unknown;
  removeAllListeners(): unknown;
}

export interface PortOpenOptions extends Partial<Omit<SerialSettings, 'baudRate'>> {
  path: string;
  baudRate: number;
  autoOpen: false;
}

export interface PortClass {
  new (options: PortOpenOptions): PortLike;
  list(): Promise<PortInfo[]>;
}

export interface PortListing {
  path: string;
  vendorId: string | null;
  productId: string | null;
  serialNumber: string | null;
  manufacturer: string | null;
}

export function toListing(p: PortInfo): PortListing {
  return {
    path: p.path,
    vendorId: p.vendorId ? p.vendorId.toLowerCase() : null,
    productId: p.productId ? p.productId.toLowerCase() : null,
    serialNumber: p.serialNumber ?? null,
    manufacturer: p.manufacturer ?? null,
  };
}

/** Exponential backoff with ±20 % jitter: 250 ms, 500 ms, 1 s … capped at 10 s. */
export function backoffDelay(attempt: number, random: () => number = Math.random, minMs = 250, maxMs = 10_000): number {
  const base = Math.min(maxMs, minMs * 2 ** Math.max(0, attempt));
  return Math.round(Math.min(maxMs, Math.max(minMs, base * (0.8 + 0.4 * random()))));
}
