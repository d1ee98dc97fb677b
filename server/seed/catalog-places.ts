import { assets, locations, stockItems, vehicles, type ASSET_STATUSES } from '../../db/schema/index.js';
import { openLevel } from '../stock/movements.js';
import type { Writer } from '../core/mutate.js';
import { ASSET_KINDS, SITE_KINDS, STOCK, TEAMS, VEHICLES, type AssetCategory, type SiteKind, type TeamKey } from './catalog-data.js';
import type { People } from './catalog-people.js';
import type { Prng } from './prng.js';
import { AREAS, DEPOTS, type Area } from './region.js';

export interface SeedAsset {
  id: string;
  category: AssetCategory;
}

export interface SeedLocation {
  id: string;
  kind: SiteKind;
  team: TeamKey;
  depotId: string;
  name: string;
  town: string;
  lat: number;
  lon: number;
  assets: SeedAsset[];
}

const DAY = 86_400_000;
const POSTCODE_LETTERS = 'ABDEFGHJLNPQRSTUWXYZ';

function areaLabel(area: Area): string {
  return area.name === 'City Centre' ? area.town : area.name;
}

function depotFor(area: Area, depots: People['depots']): string {
  return ['Bath', 'Keynsham', 'Saltford'].includes(area.town) ? depots.BTH : depots.AVM;
}

/** Sites scattered around real districts (within ~1 km of each district centre) and the assets on them. */
export function seedPlaces(w: Writer, prng: Prng, people: People, now: number): SeedLocation[] {
  const out: SeedLocation[] = [];
  const names = new Set<string>();
  const tagCounters = new Map<string, number>();

  for (const d of DEPOTS) {
    const depotId = people.depots[d.code];
    const row = w.insert(locations, {
      depotId,
      code: `DP-${d.code}`,
      name: d.name,
      kind: 'depot',
      address: d.address,
      lat: d.lat,
      lon: d.lon,
      geofenceRadiusM: 150,
      notes: null,
    });
    out.push({
      id: row.id,
      kind: 'facility',
      team: 'facilities',
      depotId,
      name: d.name,
      town: d.address,
      lat: d.lat,
      lon: d.lon,
      assets: [],
    });
  }

  for (const [kind, spec] of Object.entries(SITE_KINDS) as [SiteKind, (typeof SITE_KINDS)[SiteKind]][]) {
    for (let n = 1; n <= spec.count; n++) {
      // Name and address share the street; on a clash with an existing site, draw another place.
      let area = prng.pick(AREAS);
      let street = prng.pick(area.streets);
      let name = '';
      for (let attempt = 0; attempt < 20 && (name === '' || names.has(name)); attempt++) {
        area = prng.pick(AREAS);
        street = prng.pick(area.streets);
        name = prng.pick(spec.names).replace('{street}', street).replace('{area}', areaLabel(area));
      }
      if (names.has(name)) name = `${name} No. ${n}`;
      names.add(name);
      const postcode = `${area.postcode} ${prng.int(1, 9)}${prng.pick([...POSTCODE_LETTERS])}${prng.pick([...POSTCODE_LETTERS])}`;
      const depotId = depotFor(area, people.depots);
      const row = w.insert(locations, {
        depotId,
        code: `${spec.prefix}-${String(n).padStart(3, '0')}`,
        name,
        kind,
        address: `${prng.int(1, 240)} ${street}, ${area.name === 'City Centre' || area.name === area.town ? '' : `${area.name}, `}${area.town} ${postcode}`,
        lat: Number((area.lat + prng.real(-0.008, 0.008)).toFixed(6)),
        lon: Number((area.lon + prng.real(-0.012, 0.012)).toFixed(6)),
        geofenceRadiusM: kind === 'park' ? 250 : 100,
        notes: kind === 'pumping_station' && prng.chance(0.3) ? 'Key safe at gate; confined-space permit needed for the wet well.' : null,
      });
      const loc: SeedLocation = {
        id: row.id,
        kind,
        team: spec.team,
        depotId,
        name,
        town: area.town,
        lat: row.lat,
        lon: row.lon,
        assets: [],
      };
      for (const [category, min, max] of spec.assets) {
        const count = prng.int(min, max);
        const k = ASSET_KINDS[category];
        for (let i = 1; i <= count; i++) {
          const serial = (tagCounters.get(k.prefix) ?? 0) + 1;
          tagCounters.set(k.prefix, serial);
          const [maker, models] = prng.pick(k.makers);
          const status: (typeof ASSET_STATUSES)[number] = prng.weighted([
            ['in_service', 90],
            ['maintenance', 6],
            ['out_of_service', 4],
          ] as const);
          const asset = w.insert(assets, {
            tag: `${k.prefix}-${String(serial).padStart(4, '0')}`,
            name: `${name} \u2013 ${k.label} ${i}`,
            category,
            status,
            locationId: loc.id,
            manufacturer: maker,
            model: prng.pick(models),
            serialNumber: `${maker.slice(0, 2).toUpperCase()}${prng.int(10, 24)}${prng.int(100000, 999999)}`,
            installedAt: now - prng.int(365, 20 * 365) * DAY,
            attributes: assetAttributes(prng, category),
          });
          loc.assets.push({ id: asset.id, category });
        }
      }
      out.push(loc);
    }
  }
  return out;
}

function assetAttributes(prng: Prng, category: AssetCategory): Record<string, unknown> {
  switch (category) {
    case 'pump':
      return { ratedPowerKw: prng.pick([5.5, 7.5, 11, 15, 22, 37]), duty: prng.pick(['duty', 'assist', 'standby']) };
    case 'valve':
      return { diameterMm: prng.pick([100, 150, 225, 300, 450]), normallyOpen: prng.chance(0.85) };
    case 'generator':
      return { ratedKva: prng.pick([60, 110, 165, 250]), fuel: 'diesel' };
    case 'transformer':
      return { ratedKva: prng.pick([315, 500, 630, 800, 1000]), voltage: '11kV/415V' };
    case 'switchgear':
      return { voltage: '11kV', ways: prng.pick([3, 4]) };
    case 'streetlight':
      return { columnHeightM: prng.pick([5, 6, 8, 10]), wattage: prng.pick([24, 36, 52, 70, 150]), led: prng.chance(0.6) };
    case 'hvac':
      return { capacityKw: prng.pick([7, 14, 22, 45]), refrigerant: prng.pick(['R32', 'R410A']) };
    case 'sensor':
      return { rangeM: prng.pick([3, 6, 10]) };
  }
}

/** Vehicles with a last known position near their depot or out at a site, and stock at both depots. */
export function seedFleetAndStock(w: Writer, prng: Prng, people: People, places: SeedLocation[], now: number): Record<string, string> {
  const plateLetters = 'ABCDEFGHJKLMNOPRSTUVWXY';
  const seq = new Map<TeamKey, number>();
  for (const v of VEHICLES) {
    const team = TEAMS.find((t) => t.key === v.team);
    if (!team) continue;
    for (let i = 0; i < v.count; i++) {
      const n = (seq.get(v.team) ?? 0) + 1;
      seq.set(v.team, n);
      const depot = DEPOTS.find((d) => d.code === team.depot) ?? DEPOTS[0];
      const out = prng.chance(0.6) ? prng.pick(places.filter((p) => p.team === v.team)) : null;
      const status = prng.weighted([
        ['in_use', 55],
        ['available', 38],
        ['maintenance', 7],
      ] as const);
      const base = out ?? { lat: depot.lat, lon: depot.lon };
      w.insert(vehicles, {
        depotId: people.depots[team.depot],
        callSign: `${team.callSign}-${String(n).padStart(2, '0')}`,
        plate: `W${prng.pick([...plateLetters])}${prng.pick(['21', '22', '71', '72', '23', '73'])} ${Array.from({ length: 3 }, () => prng.pick([...plateLetters])).join('')}`,
        kind: v.kind,
        status,
        teamId: people.teams[v.team].id,
        lastLat: Number((base.lat + prng.real(-0.002, 0.002)).toFixed(6)),
        lastLon: Number((base.lon + prng.real(-0.003, 0.003)).toFixed(6)),
        lastSpeedKmh: status === 'in_use' && prng.chance(0.5) ? Math.round(prng.real(8, 64)) : 0,
        lastHeadingDeg: prng.int(0, 359),
        lastFixAt: now - prng.int(10, 1_200) * 1000,
      });
    }
  }
  const stockIds: Record<string, string> = {};
  for (const s of STOCK) {
    const item = w.insert(stockItems, { sku: s.sku, name: s.name, kind: s.kind, unit: s.unit, category: s.category });
    stockIds[s.sku] = item.id;
    for (const depotId of Object.values(people.depots)) {
      const [min, max] = s.qty;
      // A few lines sit below their reorder level so the stock view has something to flag.
      const quantity = prng.chance(0.12) ? Math.floor(min * 0.5) : prng.int(min, max);
      openLevel(w, { depotId, itemId: item.id, quantity, reorderLevel: min }); // an 'initial' movement and the level
    }
  }
  return stockIds;
}
