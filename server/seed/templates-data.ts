import type { AssetCategory, SiteKind, TeamKey } from './catalog-data.js';

type Type = 'corrective' | 'preventive' | 'inspection' | 'installation' | 'emergency';
type Priority = 'critical' | 'high' | 'medium' | 'low';

export interface TemplateSpec {
  name: string;
  description: string;
  type: Type;
  priority: Priority;
  durationMin: number;
  team: TeamKey;
  /** What the job is done on: an asset category, or (no asset) a kind of site. */
  asset: AssetCategory | null;
  sites: SiteKind[];
  skills: [string, number][];
  requiresSignature: boolean;
  /** How often this job turns up, relative to the others. */
  weight: number;
  titles: string[];
  checklist: {
    id: string;
    label: string;
    kind: 'yesno' | 'number' | 'text';
    required: boolean;
    min?: number;
    max?: number;
    unit?: string;
  }[];
}

const yes = (id: string, label: string, required = true) => ({ id, label, kind: 'yesno' as const, required });
const num = (id: string, label: string, min: number, max: number, unit: string, required = true) => ({
  id,
  label,
  kind: 'number' as const,
  required,
  min,
  max,
  unit,
});
const text = (id: string, label: string, required = false) => ({ id, label, kind: 'text' as const, required });

export const TEMPLATES: TemplateSpec[] = [
  {
    name: 'Pumping station monthly inspection',
    description: 'Routine visit: levels, run hours, vibration, alarms.',
    type: 'preventive',
    priority: 'medium',
    durationMin: 60,
    team: 'water',
    asset: 'pump',
    sites: ['pumping_station'],
    skills: [['pump', 2]],
    requiresSignature: false,
    weight: 10,
    titles: ['Monthly inspection', 'Routine station visit'],
    checklist: [
      yes('wet_well', 'Wet well level normal'),
      num('run_hours', 'Duty pump run hours', 0, 200000, 'h'),
      yes('vibration', 'No abnormal vibration or noise'),
      text('notes', 'Observations'),
    ],
  },
  {
    name: 'Pump fault investigation',
    description: 'Pump tripped or alarmed: isolate, diagnose, repair or make safe.',
    type: 'corrective',
    priority: 'high',
    durationMin: 120,
    team: 'water',
    asset: 'pump',
    sites: ['pumping_station', 'park'],
    skills: [['pump', 3]],
    requiresSignature: false,
    weight: 9,
    titles: ['Pump tripped on overload', 'High level alarm', 'Pump blocked (rag)', 'Pump running but no flow', 'Seal leak'],
    checklist: [
      yes('isolated', 'Pump isolated and locked off'),
      text('fault', 'Fault found', true),
      num('current', 'Running current after repair', 0, 400, 'A', false),
      yes('restored', 'Pump back in service'),
    ],
  },
  {
    name: 'Valve exercising',
    description: 'Operate the valve fully closed and open, record turns, check the chamber.',
    type: 'preventive',
    priority: 'low',
    durationMin: 45,
    team: 'water',
    asset: 'valve',
    sites: ['valve_chamber', 'pumping_station'],
    skills: [['valve', 2]],
    requiresSignature: false,
    weight: 6,
    titles: ['Valve exercising', 'Annual valve operation'],
    checklist: [
      num('turns', 'Turns to close', 0, 200, 'turns'),
      yes('free', 'Valve operates freely'),
      text('chamber', 'Chamber condition'),
    ],
  },
  {
    name: 'Burst main response',
    description: 'Make the area safe, isolate the main, keep customers informed.',
    type: 'emergency',
    priority: 'critical',
    durationMin: 150,
    team: 'water',
    asset: 'valve',
    sites: ['valve_chamber'],
    skills: [
      ['valve', 3],
      ['confined', 2],
    ],
    requiresSignature: true,
    weight: 2,
    titles: ['Burst main reported', 'Water running down the road', 'Loss of supply reported'],
    checklist: [
      yes('safe', 'Area made safe'),
      yes('isolated', 'Main isolated'),
      num('customers', 'Customers affected', 0, 5000, 'properties', false),
      text('notes', 'Notes'),
    ],
  },
  {
    name: 'Substation HV inspection',
    description: 'Visual and thermal inspection of transformer and switchgear.',
    type: 'inspection',
    priority: 'medium',
    durationMin: 90,
    team: 'electrical',
    asset: 'transformer',
    sites: ['substation'],
    skills: [['hv', 3]],
    requiresSignature: true,
    weight: 6,
    titles: ['Quarterly HV inspection', 'Thermal imaging survey'],
    checklist: [
      yes('oil', 'Oil level and no leaks'),
      num('max_temp', 'Highest temperature seen', 0, 150, '\u00b0C'),
      yes('security', 'Fencing, locks and signage in order'),
      text('notes', 'Observations'),
    ],
  },
  {
    name: 'Loss of supply at site',
    description: 'Site has lost power: find the cause, restore, report.',
    type: 'emergency',
    priority: 'critical',
    durationMin: 120,
    team: 'electrical',
    asset: 'switchgear',
    sites: ['substation'],
    skills: [['hv', 4]],
    requiresSignature: false,
    weight: 2,
    titles: ['Loss of supply', 'Switchgear tripped', 'Protection operated'],
    checklist: [yes('restored', 'Supply restored'), text('cause', 'Cause', true)],
  },
  {
    name: 'Generator load test',
    description: 'Monthly run on load bank; fuel, battery and coolant checks.',
    type: 'preventive',
    priority: 'medium',
    durationMin: 120,
    team: 'electrical',
    asset: 'generator',
    sites: ['pumping_station', 'facility'],
    skills: [['generator', 2]],
    requiresSignature: false,
    weight: 5,
    titles: ['Monthly generator load test', 'Generator service'],
    checklist: [
      num('fuel', 'Fuel level', 0, 100, '%'),
      num('load', 'Load held for 30 min', 0, 500, 'kW'),
      num('battery', 'Battery voltage', 0, 30, 'V', false),
      yes('passed', 'Test passed'),
    ],
  },
  {
    name: 'Street light out',
    description: 'Replace lantern, photocell or cut-out as needed and test.',
    type: 'corrective',
    priority: 'medium',
    durationMin: 45,
    team: 'streetscape',
    asset: 'streetlight',
    sites: ['lighting_cabinet', 'park'],
    skills: [
      ['lighting', 2],
      ['mewp', 1],
    ],
    requiresSignature: false,
    weight: 12,
    titles: ['Street light out', 'Light on during the day', 'Flickering street light', 'Lantern damaged'],
    checklist: [
      yes('repaired', 'Lantern or gear repaired/replaced'),
      yes('photocell', 'Photocell replaced', false),
      yes('tested', 'Tested working'),
    ],
  },
  {
    name: 'Lighting column structural inspection',
    description: 'Visual check of the column base, door and cut-out.',
    type: 'inspection',
    priority: 'low',
    durationMin: 30,
    team: 'streetscape',
    asset: 'streetlight',
    sites: ['lighting_cabinet'],
    skills: [['lighting', 1]],
    requiresSignature: false,
    weight: 6,
    titles: ['Column structural inspection'],
    checklist: [yes('corrosion', 'No corrosion at base'), yes('door', 'Door and cut-out secure'), text('notes', 'Notes')],
  },
  {
    name: 'LED lantern installation',
    description: 'Swap the old lantern for an LED unit and commission it on the CMS.',
    type: 'installation',
    priority: 'low',
    durationMin: 60,
    team: 'streetscape',
    asset: 'streetlight',
    sites: ['lighting_cabinet'],
    skills: [
      ['lighting', 3],
      ['mewp', 2],
    ],
    requiresSignature: false,
    weight: 5,
    titles: ['LED lantern retrofit'],
    checklist: [
      yes('removed', 'Old lantern removed and recycled'),
      num('watts', 'New lantern wattage', 10, 200, 'W'),
      yes('commissioned', 'Commissioned on CMS'),
    ],
  },
  {
    name: 'Playground safety inspection',
    description: 'Weekly inspection of play equipment and surfacing.',
    type: 'inspection',
    priority: 'medium',
    durationMin: 60,
    team: 'streetscape',
    asset: null,
    sites: ['park'],
    skills: [['arb', 1]],
    requiresSignature: false,
    weight: 5,
    titles: ['Playground safety inspection', 'Fallen tree reported', 'Vandalised bench'],
    checklist: [yes('surfacing', 'Surfacing in good order'), yes('equipment', 'Equipment safe to use'), text('defects', 'Defects found')],
  },
  {
    name: 'HVAC planned maintenance',
    description: 'Filters, belts, refrigerant leak check, temperatures.',
    type: 'preventive',
    priority: 'low',
    durationMin: 90,
    team: 'facilities',
    asset: 'hvac',
    sites: ['facility'],
    skills: [['hvac', 2]],
    requiresSignature: false,
    weight: 7,
    titles: ['HVAC quarterly service', 'Filter change'],
    checklist: [
      yes('filters', 'Filters changed'),
      yes('leak', 'Refrigerant leak check passed'),
      num('supply_temp', 'Supply air temperature', 5, 40, '\u00b0C', false),
      text('notes', 'Notes'),
    ],
  },
  {
    name: 'HVAC breakdown',
    description: 'No heating or cooling: diagnose and repair.',
    type: 'corrective',
    priority: 'high',
    durationMin: 120,
    team: 'facilities',
    asset: 'hvac',
    sites: ['facility'],
    skills: [['hvac', 3]],
    requiresSignature: false,
    weight: 6,
    titles: ['No heating', 'Air conditioning not cooling', 'HVAC unit alarming', 'Water leak from fan coil'],
    checklist: [text('fault', 'Fault found', true), yes('fixed', 'Unit back in service')],
  },
  {
    name: 'Building fabric repair',
    description: 'Doors, locks, roofs, lighting and general repairs.',
    type: 'corrective',
    priority: 'low',
    durationMin: 120,
    team: 'facilities',
    asset: null,
    sites: ['facility'],
    skills: [['building', 2]],
    requiresSignature: false,
    weight: 6,
    titles: ['Door not locking', 'Roof leak', 'Broken window', 'Lights out in corridor', 'Fire door not closing'],
    checklist: [text('work', 'Work done', true), yes('safe', 'Area left safe')],
  },
];
