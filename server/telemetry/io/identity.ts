import type { DeviceConfig, DeviceStatus } from '../types.js';
import type { PortListing } from './port.js';

/**
 * Which port is a configured device on now? Paths change on replug (ttyUSB0 becomes ttyUSB1), so
 * vendor id + product id + serial number decide; the configured path is the fallback (and the only
 * way for pseudo-terminals, which SerialPort.list() never returns), unless another identified
 * device sits on that path now.
 */

export function sameIdentity(p: PortListing, c: Pick<DeviceConfig, 'vendorId' | 'productId' | 'serialNumber'>): boolean {
  const eq = (a: string | null, b: string | null) => b === null || (a !== null && a.toLowerCase() === b.toLowerCase());
  return eq(p.vendorId, c.vendorId) && eq(p.productId, c.productId) && eq(p.serialNumber, c.serialNumber);
}

export function resolvePort(c: DeviceConfig, ports: readonly PortListing[]): { path: string; viaIdentity: boolean } | null {
  if (c.vendorId !== null || c.productId !== null || c.serialNumber !== null) {
    const match = ports.find((p) => sameIdentity(p, c));
    if (match) return { path: match.path, viaIdentity: true };
  }
  if (c.path === null) return null;
  const listed = ports.find((p) => p.path === c.path);
  if (listed && (listed.vendorId !== null || listed.serialNumber !== null) && !sameIdentity(listed, c)) return null;
  return { path: c.path, viaIdentity: false };
}

export function newStatus(deviceId: string): DeviceStatus {
  return {
    deviceId,
    state: 'disconnected',
    path: null,
    lastFrameAt: null,
    lastError: null,
    frames: 0,
    errors: 0,
    rejected: {},
    bytes: 0,
    reconnects: 0,
    lastRejection: null,
  };
}
