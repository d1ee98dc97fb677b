import type { DeviceConfig, DeviceStatus, TelemetryFrame, TelemetrySource } from './types.js';

/** A TelemetrySource driven by hand: tests (and the bench) emit frames as if ports produced them. */
export class FakeSource implements TelemetrySource {
  configured: DeviceConfig[] = [];
  configureCalls = 0;
  closed = false;
  ports: Awaited<ReturnType<TelemetrySource['listPorts']>> = [];
  private readonly frameListeners = new Set<(deviceId: string, frame: TelemetryFrame, receivedAt: number) => void>();
  private readonly statusListeners = new Set<(status: DeviceStatus) => void>();
  private readonly status = new Map<string, DeviceStatus>();

  onFrame(listener: (deviceId: string, frame: TelemetryFrame, receivedAt: number) => void): () => void {
    this.frameListeners.add(listener);
    return () => this.frameListeners.delete(listener);
  }

  onStatus(listener: (status: DeviceStatus) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  configure(devices: DeviceConfig[]): void {
    this.configured = devices;
    this.configureCalls += 1;
    for (const d of devices) {
      const prev = this.status.get(d.id);
      this.status.set(d.id, {
        deviceId: d.id,
        state: d.enabled ? (prev?.state === 'disabled' || !prev ? 'connected' : prev.state) : 'disabled',
        path: d.path,
        lastFrameAt: prev?.lastFrameAt ?? null,
        lastError: null,
        frames: prev?.frames ?? 0,
        errors: 0,
        rejected: prev?.rejected ?? {},
        bytes: prev?.bytes ?? 0,
        reconnects: 0,
      });
    }
  }

  statuses(): DeviceStatus[] {
    return [...this.status.values()];
  }

  async listPorts() {
    return this.ports;
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  emit(deviceId: string, frame: TelemetryFrame, receivedAt = frame.at): void {
    const s = this.status.get(deviceId);
    if (s) {
      s.frames += 1;
      s.lastFrameAt = receivedAt;
    }
    for (const l of this.frameListeners) l(deviceId, frame, receivedAt);
  }

  metrics(deviceId: string, at: number, metrics: Record<string, number>, unit: string | null = null): void {
    this.emit(deviceId, { kind: 'metrics', at, metrics: Object.entries(metrics).map(([name, value]) => ({ name, value, unit })) });
  }

  position(
    deviceId: string,
    at: number,
    lat: number,
    lon: number,
    extra: Partial<Extract<TelemetryFrame, { kind: 'position' }>> = {},
  ): void {
    this.emit(deviceId, {
      kind: 'position',
      at,
      lat,
      lon,
      speedKmh: 30,
      headingDeg: 90,
      fixQuality: 1,
      satellites: 8,
      hdop: 0.9,
      altitudeM: 12,
      ...extra,
    });
  }
}
