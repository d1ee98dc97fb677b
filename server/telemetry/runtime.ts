import { isNull } from 'drizzle-orm';
import type { Host } from '../core/context.js';
import { locations } from '../../db/schema/index.js';
import { DEFAULT_INGEST, IngestPipeline, type IngestOptions } from './pipeline/ingest.js';
import { runRetention, type RetentionResult } from './pipeline/retention.js';
import { activeAlerts, allDevices, bindingsOf, enabledRules, toDeviceConfig } from './repo.js';
import { geofenceCrossing, thresholdActions } from './rules/actions.js';
import { ThresholdEngine } from './rules/engine.js';
import { GeofenceEngine } from './rules/geofence.js';
import type { TelemetrySource } from './types.js';

export interface TelemetryOptions extends IngestOptions {
  /** How often expired readings and roll-ups are deleted (also once at start). 0: never on a timer. */
  retentionIntervalMs: number;
  /** Serial access off (--no-serial): the source is idle and the API says so. */
  serial: boolean;
}

/** Something outside telemetry that reacts to stored readings (server/maintenance/generator.ts). */
export interface ReadingsListener {
  /** False while it has nothing to do with readings: the pipeline then skips building the list. */
  watching(): boolean;
  stored(deviceIds: Set<string>): void;
}

export const DEFAULT_TELEMETRY: TelemetryOptions = { ...DEFAULT_INGEST, retentionIntervalMs: 3_600_000, serial: true };

export interface TelemetryService {
  readonly source: TelemetrySource;
  readonly pipeline: IngestPipeline;
  readonly thresholds: ThresholdEngine;
  readonly geofences: GeofenceEngine;
  readonly options: TelemetryOptions;
  /** Re-reads devices, rules and sites (also done automatically when they change). */
  reload(): void;
  /** Writes every queued frame now and runs the rules on them (tests, shutdown). */
  flush(): void;
  runRetention(): Promise<RetentionResult>;
  close(): Promise<void>;
}

/** A source with no ports: the host without serial access (--no-serial, tests, hub mode). */
export function idleSource(): TelemetrySource {
  return {
    onFrame: () => () => {},
    onStatus: () => () => {},
    configure: () => {},
    statuses: () => [],
    listPorts: async () => [],
    close: async () => {},
  };
}

/**
 * Starts the data side of telemetry on `source` (the serial side's device manager, or a fake in
 * tests): loads devices, rules and active alerts, subscribes to frames, and keeps itself in step
 * with configuration changes by listening to committed changes on the host's bus.
 */
export function startTelemetry(
  host: Host,
  source: TelemetrySource,
  options: Partial<TelemetryOptions> = {},
  /** Told after each stored batch which devices had readings in it, while it is watching (meter maintenance plans, server/start.ts). */
  readingsListener?: ReadingsListener,
): TelemetryService {
  const opts: TelemetryOptions = { ...DEFAULT_TELEMETRY, ...options };
  const thresholds = new ThresholdEngine(thresholdActions(host));
  const geofences = new GeofenceEngine((c) => {
    try {
      geofenceCrossing(host, c.orgId, c.vehicleId, c.locationId, c.entered, c.at, c.position, c.rules);
    } catch (err) {
      host.log.warn({ err, vehicleId: c.vehicleId, locationId: c.locationId }, 'geofence crossing could not be recorded');
    }
  });
  const pipeline = new IngestPipeline(
    host,
    (readings, positions) => {
      thresholds.evaluate(readings);
      geofences.evaluate(positions);
      if (readingsListener && readings.length > 0) {
        try {
          readingsListener.stored(new Set(readings.map((r) => r.deviceId)));
        } catch (err) {
          host.log.warn({ err }, 'a listener of stored readings failed');
        }
      }
    },
    opts,
    // The per-reading list costs an object per reading: built only while someone reads it.
    () => thresholds.watching || (readingsListener?.watching() ?? false),
  );

  const loadDevices = () => {
    const rows = allDevices(host.db);
    pipeline.setBindings(bindingsOf(rows));
    source.configure(rows.map(toDeviceConfig));
  };
  const loadRules = () => {
    const rules = enabledRules(host.db);
    thresholds.setRules(rules);
    geofences.setRules(rules);
  };
  const loadSites = () => {
    geofences.setSites(
      host.db
        .select({
          id: locations.id,
          orgId: locations.orgId,
          lat: locations.lat,
          lon: locations.lon,
          geofenceRadiusM: locations.geofenceRadiusM,
        })
        .from(locations)
        // A deleted site raises no geofence crossings.
        .where(isNull(locations.deletedAt))
        .all(),
    );
  };
  loadDevices();
  loadRules();
  loadSites();
  thresholds.restore(activeAlerts(host.db).filter((a) => a.locationId === null));
  pipeline.attach(source);

  const unsubscribe = host.bus.subscribe((message) => {
    const tables = message.data.tables;
    try {
      if (tables.includes('telemetry_devices')) loadDevices();
      if (tables.includes('telemetry_rules')) loadRules();
      if (tables.includes('locations')) loadSites();
    } catch (err) {
      host.log.error({ err }, 'telemetry configuration could not be reloaded');
    }
  });

  let stopping = false;
  let inFlight: Promise<unknown> = Promise.resolve();
  const retention = async () => {
    const run = runRetention(host, { stopped: () => stopping });
    inFlight = run.catch(() => {});
    try {
      const r = await run;
      if (r.readings + r.positions + r.minuteRollups + r.hourRollups > 0) host.log.info(r, 'telemetry retention');
      return r;
    } catch (err) {
      host.log.error({ err }, 'telemetry retention failed');
      throw err;
    }
  };
  let timer: NodeJS.Timeout | null = null;
  if (opts.retentionIntervalMs > 0) {
    void retention().catch(() => {});
    timer = setInterval(() => void retention().catch(() => {}), opts.retentionIntervalMs);
    timer.unref();
  }

  const service: TelemetryService = {
    source,
    pipeline,
    thresholds,
    geofences,
    options: opts,
    reload() {
      loadDevices();
      loadRules();
      loadSites();
    },
    flush: () => pipeline.flushAll(),
    runRetention: retention,
    async close() {
      if (timer) clearInterval(timer);
      stopping = true;
      // A retention run between chunks finishes its current chunk, then stops: the database stays open until then.
      await inFlight;
      unsubscribe();
      pipeline.close();
      await source.close();
    },
  };
  return service;
}
