/** Static vocabulary of the demo depot: teams, skills, site and asset kinds, stock, vehicles. */

export type TeamKey = 'water' | 'electrical' | 'streetscape' | 'facilities';

export const TEAMS: { key: TeamKey; name: string; color: string; depot: 'AVM' | 'BTH'; callSign: string; parts: string[] }[] = [
  {
    key: 'water',
    name: 'Water Network',
    color: '#1f77b4',
    depot: 'AVM',
    callSign: 'WN',
    parts: ['PMP-SEAL-50', 'PMP-OIL-5L', 'VLV-GSK-300', 'GEN-GREASE'],
  },
  {
    key: 'electrical',
    name: 'Electrical',
    color: '#ff7f0e',
    depot: 'AVM',
    callSign: 'EL',
    parts: ['ELC-FUSE-100', 'ELC-MCB-32', 'GEN-FLT-OIL'],
  },
  {
    key: 'streetscape',
    name: 'Streetscape',
    color: '#2ca02c',
    depot: 'BTH',
    callSign: 'SS',
    parts: ['LGT-LED-36W', 'LGT-PEC-NEMA', 'LGT-CUT-25'],
  },
  {
    key: 'facilities',
    name: 'Facilities',
    color: '#9467bd',
    depot: 'BTH',
    callSign: 'FM',
    parts: ['HVC-FLT-G4', 'HVC-BELT-A42', 'BLD-LAMP-T8', 'BLD-LOCK-EUR'],
  },
];

export const SKILLS: { key: string; name: string; category: string; team: TeamKey | null }[] = [
  { key: 'pump', name: 'Pump maintenance', category: 'Mechanical', team: 'water' },
  { key: 'valve', name: 'Valve operation', category: 'Mechanical', team: 'water' },
  { key: 'confined', name: 'Confined space entry', category: 'Safety', team: 'water' },
  { key: 'hv', name: 'HV switching (authorised person)', category: 'Electrical', team: 'electrical' },
  { key: 'lv', name: 'LV electrical (18th Edition)', category: 'Electrical', team: 'electrical' },
  { key: 'generator', name: 'Generator servicing', category: 'Mechanical', team: 'electrical' },
  { key: 'lighting', name: 'Street lighting', category: 'Electrical', team: 'streetscape' },
  { key: 'mewp', name: 'MEWP operation (IPAF 3a/3b)', category: 'Plant', team: 'streetscape' },
  { key: 'arb', name: 'Arboriculture', category: 'Grounds', team: 'streetscape' },
  { key: 'hvac', name: 'HVAC and F-Gas', category: 'Mechanical', team: 'facilities' },
  { key: 'building', name: 'Building fabric', category: 'Trades', team: 'facilities' },
  { key: 'traffic', name: 'Traffic management (NRSWA)', category: 'Safety', team: null },
  { key: 'firstaid', name: 'First aid at work', category: 'Safety', team: null },
];

export type AssetCategory = 'pump' | 'valve' | 'generator' | 'transformer' | 'switchgear' | 'streetlight' | 'hvac' | 'sensor';

export const ASSET_KINDS: Record<AssetCategory, { prefix: string; label: string; makers: [string, string[]][] }> = {
  pump: {
    prefix: 'PMP',
    label: 'Pump',
    makers: [
      ['Grundfos', ['SE1.80', 'CR 64-2', 'SL1.110']],
      ['Xylem Flygt', ['NP 3153', 'NP 3202']],
      ['KSB', ['Amarex KRT', 'Etanorm 125']],
      ['Sulzer', ['XFP 100E']],
    ],
  },
  valve: {
    prefix: 'VLV',
    label: 'Valve',
    makers: [
      ['AVK', ['Series 06/30 gate', 'Series 41 check']],
      ['Cla-Val', ['90-01 PRV', '100-01 Hytrol']],
      ['Glenfield', ['Sluice DN300']],
    ],
  },
  generator: {
    prefix: 'GEN',
    label: 'Standby generator',
    makers: [
      ['Cummins', ['C110 D5', 'C250 D5']],
      ['FG Wilson', ['P165-5', 'P88-3']],
      ['Caterpillar', ['DE110E2']],
    ],
  },
  transformer: {
    prefix: 'TRF',
    label: 'Transformer',
    makers: [
      ['Schneider Electric', ['Minera 500 kVA', 'Trihal 800 kVA']],
      ['ABB', ['RESIBLOC 630 kVA']],
      ['Siemens', ['GEAFOL 1000 kVA']],
    ],
  },
  switchgear: {
    prefix: 'SWG',
    label: 'Switchgear',
    makers: [
      ['Schneider Electric', ['RM6', 'Ringmaster']],
      ['Lucy Electric', ['Sabre VRN2a']],
      ['ABB', ['SafeRing']],
    ],
  },
  streetlight: {
    prefix: 'LGT',
    label: 'Street light',
    makers: [
      ['Urbis Schréder', ['Ampera Midi', 'Axia 3']],
      ['Thorn', ['R2S LED', 'Area Flood']],
      ['Signify Philips', ['Luma gen2', 'UniStreet']],
    ],
  },
  hvac: {
    prefix: 'HVC',
    label: 'HVAC unit',
    makers: [
      ['Daikin', ['VRV 5 heat pump', 'FCAG fan coil']],
      ['Mitsubishi Electric', ['City Multi PUHY', 'Ecodan']],
      ['Carrier', ['AquaSnap 30RBP']],
    ],
  },
  sensor: {
    prefix: 'SNS',
    label: 'Level sensor',
    makers: [
      ['Siemens', ['SITRANS Probe LU240']],
      ['Endress+Hauser', ['Prosonic FMU30', 'Waterpilot FMX21']],
    ],
  },
};

export type SiteKind = 'pumping_station' | 'valve_chamber' | 'substation' | 'lighting_cabinet' | 'park' | 'facility';

/** How many of each site, its code prefix, its team, and which assets it usually holds ([category, min, max]). */
export const SITE_KINDS: Record<
  SiteKind,
  { count: number; prefix: string; team: TeamKey; names: string[]; assets: [AssetCategory, number, number][] }
> = {
  pumping_station: {
    count: 40,
    prefix: 'PS',
    team: 'water',
    names: ['{street} Pumping Station', '{area} Sewage Pumping Station', '{area} Booster Station'],
    assets: [
      ['pump', 2, 4],
      ['valve', 1, 2],
      ['generator', 0, 1],
      ['sensor', 0, 1],
    ],
  },
  valve_chamber: {
    count: 22,
    prefix: 'VC',
    team: 'water',
    names: ['{street} Valve Chamber', '{area} PRV Chamber'],
    assets: [['valve', 1, 2]],
  },
  substation: {
    count: 30,
    prefix: 'SS',
    team: 'electrical',
    names: ['{area} Substation', '{street} Substation', '{area} Packaged Substation'],
    assets: [
      ['transformer', 1, 2],
      ['switchgear', 1, 1],
    ],
  },
  lighting_cabinet: {
    count: 45,
    prefix: 'LC',
    team: 'streetscape',
    names: ['{street} Lighting Cabinet', '{street} Feeder Pillar'],
    assets: [['streetlight', 2, 4]],
  },
  park: {
    count: 30,
    prefix: 'PK',
    team: 'streetscape',
    names: ['{area} Park', '{area} Recreation Ground', '{street} Gardens', '{area} Play Area'],
    assets: [
      ['streetlight', 0, 2],
      ['pump', 0, 1],
    ],
  },
  facility: {
    count: 30,
    prefix: 'FC',
    team: 'facilities',
    names: [
      '{area} Library',
      '{area} Leisure Centre',
      '{area} Community Centre',
      '{area} Council Offices',
      '{area} Children\u2019s Centre',
    ],
    assets: [
      ['hvac', 1, 3],
      ['generator', 0, 1],
    ],
  },
};

export const STOCK: { sku: string; name: string; kind: 'material' | 'equipment'; unit: string; category: string; qty: [number, number] }[] =
  [
    { sku: 'PMP-SEAL-50', name: 'Mechanical seal 50 mm', kind: 'material', unit: 'pcs', category: 'Pumps', qty: [4, 20] },
    { sku: 'PMP-IMP-110', name: 'Impeller SL1.110', kind: 'material', unit: 'pcs', category: 'Pumps', qty: [1, 6] },
    { sku: 'PMP-OIL-5L', name: 'Pump oil, 5 l', kind: 'material', unit: 'can', category: 'Pumps', qty: [5, 30] },
    { sku: 'VLV-GSK-300', name: 'Flange gasket DN300', kind: 'material', unit: 'pcs', category: 'Valves', qty: [10, 60] },
    { sku: 'VLV-KEY-STD', name: 'Valve key, standard', kind: 'equipment', unit: 'pcs', category: 'Valves', qty: [2, 8] },
    { sku: 'ELC-FUSE-100', name: 'HRC fuse 100 A', kind: 'material', unit: 'pcs', category: 'Electrical', qty: [20, 120] },
    { sku: 'ELC-MCB-32', name: 'MCB 32 A type C', kind: 'material', unit: 'pcs', category: 'Electrical', qty: [10, 50] },
    { sku: 'ELC-CBL-SWA4', name: 'SWA cable 4 mm\u00b2 3-core', kind: 'material', unit: 'm', category: 'Electrical', qty: [100, 600] },
    { sku: 'ELC-GLV-C2', name: 'Insulating gloves class 2', kind: 'equipment', unit: 'pair', category: 'Safety', qty: [4, 12] },
    { sku: 'LGT-LED-36W', name: 'LED lantern 36 W', kind: 'material', unit: 'pcs', category: 'Lighting', qty: [10, 80] },
    { sku: 'LGT-PEC-NEMA', name: 'Photocell NEMA 7-pin', kind: 'material', unit: 'pcs', category: 'Lighting', qty: [20, 150] },
    { sku: 'LGT-CUT-25', name: 'Column cut-out 25 A', kind: 'material', unit: 'pcs', category: 'Lighting', qty: [10, 60] },
    { sku: 'LGT-COL-8M', name: 'Lighting column 8 m', kind: 'material', unit: 'pcs', category: 'Lighting', qty: [2, 12] },
    { sku: 'HVC-FLT-G4', name: 'Panel filter G4 592\u00d7592', kind: 'material', unit: 'pcs', category: 'HVAC', qty: [20, 120] },
    { sku: 'HVC-R32-9KG', name: 'Refrigerant R32, 9 kg', kind: 'material', unit: 'cyl', category: 'HVAC', qty: [1, 6] },
    { sku: 'HVC-BELT-A42', name: 'V-belt A42', kind: 'material', unit: 'pcs', category: 'HVAC', qty: [4, 20] },
    { sku: 'GEN-FLT-OIL', name: 'Generator oil filter', kind: 'material', unit: 'pcs', category: 'Generators', qty: [4, 24] },
    { sku: 'GEN-DSL-L', name: 'Diesel (red)', kind: 'material', unit: 'l', category: 'Generators', qty: [200, 1500] },
    { sku: 'GEN-BAT-12V', name: 'Starter battery 12 V', kind: 'material', unit: 'pcs', category: 'Generators', qty: [1, 6] },
    { sku: 'GEN-LBANK-100', name: 'Load bank 100 kW', kind: 'equipment', unit: 'pcs', category: 'Generators', qty: [1, 2] },
    { sku: 'SAF-GAS-4', name: '4-gas detector', kind: 'equipment', unit: 'pcs', category: 'Safety', qty: [3, 10] },
    { sku: 'SAF-TRIPOD', name: 'Confined space tripod and winch', kind: 'equipment', unit: 'set', category: 'Safety', qty: [1, 3] },
    { sku: 'TM-CONE-750', name: 'Traffic cone 750 mm', kind: 'equipment', unit: 'pcs', category: 'Traffic', qty: [40, 200] },
    { sku: 'TM-SIGN-RW', name: 'Road works ahead sign', kind: 'equipment', unit: 'pcs', category: 'Traffic', qty: [6, 20] },
    { sku: 'GEN-GREASE', name: 'Grease cartridge EP2', kind: 'material', unit: 'pcs', category: 'General', qty: [20, 100] },
    { sku: 'GEN-SILICONE', name: 'Silicone sealant', kind: 'material', unit: 'tube', category: 'General', qty: [10, 40] },
    { sku: 'BLD-LOCK-EUR', name: 'Euro cylinder lock 35/35', kind: 'material', unit: 'pcs', category: 'Building', qty: [4, 20] },
    { sku: 'BLD-LAMP-T8', name: 'LED tube T8 1500 mm', kind: 'material', unit: 'pcs', category: 'Building', qty: [20, 100] },
    { sku: 'PRK-SAND-PLAY', name: 'Play sand 25 kg', kind: 'material', unit: 'bag', category: 'Parks', qty: [10, 60] },
    { sku: 'PRK-BIN-LINER', name: 'Litter bin liners', kind: 'material', unit: 'roll', category: 'Parks', qty: [20, 120] },
  ];

export const VEHICLES: { team: TeamKey; kind: string; count: number }[] = [
  { team: 'water', kind: 'Ford Transit Custom van', count: 2 },
  { team: 'water', kind: 'Iveco Daily jetting unit', count: 1 },
  { team: 'electrical', kind: 'Ford Transit van', count: 2 },
  { team: 'electrical', kind: 'Isuzu D-Max with generator trailer', count: 1 },
  { team: 'streetscape', kind: 'Isuzu Grafter MEWP (cherry picker)', count: 2 },
  { team: 'streetscape', kind: 'Ford Transit tipper', count: 1 },
  { team: 'facilities', kind: 'Ford Transit Connect van', count: 2 },
  { team: 'facilities', kind: 'Vauxhall Vivaro van', count: 1 },
];
