import { describe, expect, it } from 'vitest';
import type { DeviceConfig } from '../types.js';
import { resolvePort } from './identity.js';
import { backoffDelay, type PortListing } from './port.js';

const cfg = (over: Partial<DeviceConfig>): DeviceConfig => ({
  id: 'd',
  orgId: 'o',
  name: 'n',
  vendorId: null,
  productId: null,
  serialNumber: null,
  path: null,
  protocol: 'nmea',
  serial: { baudRate: 9600, dataBits: 8, stopBits: 1, parity: 'none' },
  modbus: null,
  assetId: null,
  vehicleId: null,
  enabled: true,
  silenceAfterMs: 1000,
  ...over,
});
const port = (path: string, vendorId: string | null, productId: string | null, serialNumber: string | null): PortListing => ({
  path,
  vendorId,
  productId,
  serialNumber,
  manufacturer: null,
});

describe('device identity and backoff', () => {
  const ports = [port('/dev/ttyUSB0', '0403', '6001', 'A1'), port('/dev/ttyUSB1', '1546', '01a7', null)];

  it('when vendor, product and serial match a listed port, then that path is used whatever the configured path says', () => {
    expect(resolvePort(cfg({ vendorId: '0403', productId: '6001', serialNumber: 'A1', path: '/dev/ttyUSB9' }), ports)).toEqual({
      path: '/dev/ttyUSB0',
      viaIdentity: true,
    });
    expect(resolvePort(cfg({ vendorId: '1546', productId: '01A7' }), ports)).toEqual({ path: '/dev/ttyUSB1', viaIdentity: true });
  });

  it('when nothing matches, then the path is the fallback unless a different identified device sits there', () => {
    expect(resolvePort(cfg({ vendorId: '0403', productId: '6001', serialNumber: 'B2', path: '/tmp/ttyV0' }), ports)).toEqual({
      path: '/tmp/ttyV0',
      viaIdentity: false,
    });
    expect(resolvePort(cfg({ vendorId: '0403', productId: '6001', serialNumber: 'B2', path: '/dev/ttyUSB0' }), ports)).toBeNull();
    expect(resolvePort(cfg({ vendorId: '0403', productId: '6001', serialNumber: 'B2' }), ports)).toBeNull();
  });

  it('when reopening keeps failing, then the delay doubles from 250 ms to a 10 s cap with ±20 % jitter', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 10].map((a) => backoffDelay(a, () => 0.5))).toEqual([250, 500, 1000, 2000, 4000, 8000, 10_000, 10_000]);
    expect(backoffDelay(2, () => 0)).toBe(800);
    expect(backoffDelay(2, () => 0.999999)).toBe(1200);
    expect(backoffDelay(0, () => 0)).toBe(250);
  });
});
