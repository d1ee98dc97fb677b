import { describe, expect, it } from 'vitest';
import { createModbusSlave, pumpModbusSettings } from '../simulator/modbus-slave.js';
import type { Rejection, TelemetryFrame } from '../types.js';
import {
  buildReadRequest,
  crc16,
  decodeRegister,
  encodeRegister,
  interFrameDelayMs,
  parseReadResponse,
  planReads,
  withCrc,
} from './modbus.js';
import { ModbusBus } from './modbus-poller.js';

describe('Modbus RTU framing', () => {
  it('when a request is built, then it matches the reference frame with its CRC (low byte first)', () => {
    // Unit 1, read holding registers 0..1: the classic example frame 01 03 00 00 00 02 C4 0B.
    expect(buildReadRequest({ unitId: 1, fn: 3, address: 0, count: 2 }).toString('hex')).toBe('010300000002c40b');
    expect(crc16(Buffer.from('123456789'))).toBe(0x4b37); // CRC-16/MODBUS check value
  });

  it('when a response is good, then its registers come out; wrong CRC, unit, length and exceptions are told apart', () => {
    const req = { unitId: 1, fn: 3 as const, address: 0, count: 2 };
    const good = withCrc(Buffer.from([1, 3, 4, 0x01, 0xa4, 0xff, 0xfe]));
    expect(parseReadResponse(req, good)).toEqual({ ok: true, registers: [420, 0xfffe] });
    const badCrc = Buffer.from(good);
    badCrc[3] = 0;
    expect(parseReadResponse(req, badCrc)).toMatchObject({ ok: false, reason: 'checksum' });
    expect(parseReadResponse(req, withCrc(Buffer.from([2, 3, 4, 0, 0, 0, 0])))).toMatchObject({
      ok: false,
      reason: 'malformed',
      detail: expect.stringContaining('unit 2'),
    });
    expect(parseReadResponse(req, withCrc(Buffer.from([1, 3, 2, 0, 0])))).toMatchObject({ ok: false, reason: 'malformed' });
    expect(parseReadResponse(req, withCrc(Buffer.from([1, 0x83, 2])))).toMatchObject({
      ok: false,
      reason: 'exception',
      detail: expect.stringContaining('illegal data address'),
    });
  });

  it('when registers are decoded, then 16/32-bit signed, unsigned and float values round-trip in both word orders', () => {
    expect(decodeRegister([0xfffe], 0, 'int16')).toBe(-2);
    expect(decodeRegister([0xfffe], 0, 'uint16')).toBe(0xfffe);
    expect(decodeRegister([0x0001, 0x0002], 0, 'uint32')).toBe(0x00010002);
    expect(decodeRegister([0x0002, 0x0001], 0, 'uint32', 'little')).toBe(0x00010002);
    expect(decodeRegister([0x41a4, 0x0000], 0, 'float32')).toBe(20.5);
    for (const [v, type] of [
      [-123456, 'int32'],
      [4_000_000_000, 'uint32'],
      [11.5, 'float32'],
      [-7, 'int16'],
    ] as const) {
      for (const order of ['big', 'little'] as const) expect(decodeRegister(encodeRegister(v, type, order), 0, type, order)).toBe(v);
    }
  });

  it('when a register map is planned, then neighbouring registers share a read and functions stay apart', () => {
    const plans = planReads(pumpModbusSettings().registers);
    expect(plans.map((p) => p.request)).toEqual([
      { fn: 3, address: 0, count: 5 },
      { fn: 4, address: 0, count: 2 },
    ]);
  });

  it('when the baud rate is set, then the inter-frame delay is 3.5 characters, and 1.75 ms above 19200', () => {
    expect(interFrameDelayMs(9600)).toBeCloseTo(4.01, 2);
    expect(interFrameDelayMs(115200)).toBe(1.75);
  });
});

describe('Modbus bus poller', () => {
  function rig(opts: { split?: boolean; corruptEvery?: number; mute?: boolean } = {}) {
    const slave = createModbusSlave({ unitId: 1, corruptEvery: opts.corruptEvery ?? 0 });
    const frames: TelemetryFrame[] = [];
    const rejections: Rejection[] = [];
    const log: Array<{ dir: 'tx' | 'rx'; at: number }> = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const bus: ModbusBus = new ModbusBus({
      baudRate: 9600,
      write: (bytes) => {
        log.push({ dir: 'tx', at: performance.now() });
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        if (opts.mute) return;
        for (const res of slave.onData(bytes)) {
          // The answer arrives a little later, optionally one byte at a time.
          setTimeout(() => {
            inFlight--;
            const parts = opts.split ? [...res].map((b) => Buffer.from([b])) : [res];
            for (const p of parts) {
              log.push({ dir: 'rx', at: performance.now() });
              bus.onData(p);
            }
          }, 2);
        }
      },
      onFrame: (_id, f) => frames.push(f),
      onRejection: (_id, r) => rejections.push(r),
    });
    return { bus, frames, rejections, log, maxInFlight: () => maxInFlight };
  }

  const until = async (cond: () => boolean, ms = 3000) => {
    const end = Date.now() + ms;
    while (!cond()) {
      if (Date.now() > end) throw new Error('timed out');
      await new Promise((r) => setTimeout(r, 5));
    }
  };

  it('when two devices share a bus, then requests go one at a time with the inter-frame gap and each poll yields all metrics', async () => {
    const r = rig({ split: true });
    r.bus.setDevice('a', pumpModbusSettings(1, 40));
    r.bus.setDevice('b', pumpModbusSettings(1, 40));
    r.bus.start();
    await until(() => r.frames.length >= 6);
    r.bus.stop();
    expect(r.maxInFlight()).toBe(1);
    expect(r.rejections).toEqual([]);
    const names = r.frames[0]?.kind === 'metrics' ? r.frames[0].metrics.map((m) => m.name) : [];
    expect(names.sort()).toEqual(['motor.current', 'motor.temperature', 'pump.flow', 'pump.pressure', 'pump.run_hours']);
    // Every request waits for the gap after the last byte received.
    for (let i = 1; i < r.log.length; i++) {
      const cur = r.log[i]!;
      if (cur.dir === 'tx' && r.log[i - 1]!.dir === 'rx')
        expect(cur.at - r.log[i - 1]!.at).toBeGreaterThanOrEqual(interFrameDelayMs(9600) - 0.5);
    }
  });

  it('when the slave corrupts a CRC, then that read is a checksum rejection and polling goes on', async () => {
    const r = rig({ corruptEvery: 3 });
    r.bus.setDevice('a', pumpModbusSettings(1, 10));
    r.bus.start();
    await until(() => r.rejections.length >= 2 && r.frames.length >= 2);
    r.bus.stop();
    expect(new Set(r.rejections.map((x) => x.reason))).toEqual(new Set(['checksum']));
  });

  it('when the slave does not answer, then each request times out and is counted', async () => {
    const r = rig({ mute: true });
    r.bus.setDevice('a', { ...pumpModbusSettings(1, 10), timeoutMs: 20 });
    r.bus.start();
    await until(() => r.rejections.length >= 3);
    r.bus.stop();
    expect(r.rejections.every((x) => x.reason === 'timeout')).toBe(true);
    expect(r.frames).toEqual([]);
  });
});
