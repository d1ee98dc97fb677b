/**
 * The demo region: Bristol and Bath (UK). Real districts, postcode districts and main roads, with
 * approximate district centres, so pins land on believable places on the basemap. House numbers and
 * the sites themselves are invented.
 */
export const REGION = {
  orgName: 'Avon Vale Public Works',
  emailDomain: 'avonvale.example',
  timeZone: 'Europe/London',
} as const;

export interface Area {
  name: string;
  town: 'Bristol' | 'Bath' | 'Keynsham' | 'Portishead' | 'Nailsea' | 'Saltford';
  postcode: string;
  lat: number;
  lon: number;
  streets: string[];
}

export const AREAS: Area[] = [
  { name: 'City Centre', town: 'Bristol', postcode: 'BS1', lat: 51.4545, lon: -2.5879, streets: ['Victoria Street', 'Temple Way', 'Baldwin Street', 'Queen Square', 'Narrow Quay', 'Broad Quay'] },
  { name: 'Clifton', town: 'Bristol', postcode: 'BS8', lat: 51.459, lon: -2.62, streets: ['Queens Road', 'Whiteladies Road', 'Clifton Down Road', 'Hotwell Road', 'Park Street', 'Pembroke Road'] },
  { name: 'Redland', town: 'Bristol', postcode: 'BS6', lat: 51.471, lon: -2.603, streets: ['Redland Road', 'Cotham Hill', 'Chandos Road', 'Zetland Road', 'Hampton Road'] },
  { name: 'Bishopston', town: 'Bristol', postcode: 'BS7', lat: 51.48, lon: -2.59, streets: ['Gloucester Road', 'Cheltenham Road', 'Ashley Down Road', 'Egerton Road', 'Pigsty Hill'] },
  { name: 'Horfield', town: 'Bristol', postcode: 'BS7', lat: 51.494, lon: -2.583, streets: ['Filton Avenue', 'Kellaway Avenue', 'Muller Road', 'Wellington Hill West', 'Ashley Down Road'] },
  { name: 'Southmead', town: 'Bristol', postcode: 'BS10', lat: 51.505, lon: -2.596, streets: ['Southmead Road', 'Greystoke Avenue', 'Doncaster Road', 'Ullswater Road'] },
  { name: 'Henleaze', town: 'Bristol', postcode: 'BS9', lat: 51.484, lon: -2.608, streets: ['Henleaze Road', 'Westbury Road', 'Eastfield Road', 'Park Grove'] },
  { name: 'St Pauls', town: 'Bristol', postcode: 'BS2', lat: 51.464, lon: -2.582, streets: ['Ashley Road', 'Stokes Croft', 'Grosvenor Road', 'City Road', 'Wilder Street'] },
  { name: 'Easton', town: 'Bristol', postcode: 'BS5', lat: 51.463, lon: -2.563, streets: ['Stapleton Road', 'Church Road', 'Lawrence Hill', 'Easton Road', 'Whitehall Road'] },
  { name: 'Fishponds', town: 'Bristol', postcode: 'BS16', lat: 51.482, lon: -2.529, streets: ['Fishponds Road', 'Lodge Causeway', 'Straits Parade', 'Manor Road', 'Hillfields Avenue'] },
  { name: 'Kingswood', town: 'Bristol', postcode: 'BS15', lat: 51.46, lon: -2.505, streets: ['Regent Street', 'Soundwell Road', 'High Street', 'Two Mile Hill Road', 'Hanham Road'] },
  { name: 'St George', town: 'Bristol', postcode: 'BS5', lat: 51.46, lon: -2.54, streets: ['Church Road', 'Summerhill Road', 'Bryants Hill', 'Beaufort Road'] },
  { name: 'Bedminster', town: 'Bristol', postcode: 'BS3', lat: 51.44, lon: -2.6, streets: ['East Street', 'North Street', 'Coronation Road', 'West Street', 'Bedminster Parade', 'Dean Lane'] },
  { name: 'Southville', town: 'Bristol', postcode: 'BS3', lat: 51.444, lon: -2.607, streets: ['Cumberland Road', 'Greville Road', 'Luckwell Road', 'Raleigh Road'] },
  { name: 'Knowle', town: 'Bristol', postcode: 'BS4', lat: 51.43, lon: -2.565, streets: ['Wells Road', 'Redcatch Road', 'Broadwalk', 'Talbot Road', 'Leighton Road'] },
  { name: 'Totterdown', town: 'Bristol', postcode: 'BS4', lat: 51.441, lon: -2.576, streets: ['Bath Road', 'Wells Road', 'St Johns Lane', 'Cemetery Road'] },
  { name: 'Brislington', town: 'Bristol', postcode: 'BS4', lat: 51.433, lon: -2.547, streets: ['Bath Road', 'Sandy Park Road', 'Talbot Road', 'Allison Road', 'Hungerford Road'] },
  { name: 'Hengrove', town: 'Bristol', postcode: 'BS14', lat: 51.413, lon: -2.583, streets: ['Hengrove Way', 'Whitchurch Lane', 'Hawkfield Road', 'Airport Road'] },
  { name: 'Avonmouth', town: 'Bristol', postcode: 'BS11', lat: 51.5, lon: -2.7, streets: ['Avonmouth Road', 'Portview Road', 'Kings Weston Lane', 'St Andrews Road', 'Smoke Lane'] },
  { name: 'Shirehampton', town: 'Bristol', postcode: 'BS11', lat: 51.49, lon: -2.675, streets: ['High Street', 'Station Road', 'Portway', 'Pembroke Road'] },
  { name: 'Filton', town: 'Bristol', postcode: 'BS34', lat: 51.508, lon: -2.577, streets: ['Gloucester Road North', 'Station Road', 'Southmead Road', 'Conygre Road'] },
  { name: 'Keynsham', town: 'Keynsham', postcode: 'BS31', lat: 51.414, lon: -2.497, streets: ['High Street', 'Charlton Road', 'Bath Hill', 'Temple Street', 'Wellsway'] },
  { name: 'Saltford', town: 'Saltford', postcode: 'BS31', lat: 51.404, lon: -2.457, streets: ['Bath Road', 'Manor Road', 'Norman Road', 'Beech Road'] },
  { name: 'Portishead', town: 'Portishead', postcode: 'BS20', lat: 51.483, lon: -2.767, streets: ['High Street', 'Harbour Road', 'Nore Road', 'Down Road'] },
  { name: 'Nailsea', town: 'Nailsea', postcode: 'BS48', lat: 51.433, lon: -2.757, streets: ['High Street', 'Station Road', 'Stockway North', 'Silver Street'] },
  { name: 'City Centre', town: 'Bath', postcode: 'BA1', lat: 51.3811, lon: -2.359, streets: ['Milsom Street', 'Walcot Street', 'Westgate Street', 'Manvers Street', 'Pierrepont Street', 'Queen Square'] },
  { name: 'Larkhall', town: 'Bath', postcode: 'BA1', lat: 51.396, lon: -2.349, streets: ['London Road', 'St Saviours Road', 'Lambridge', 'Brookleaze Buildings'] },
  { name: 'Weston', town: 'Bath', postcode: 'BA1', lat: 51.392, lon: -2.39, streets: ['Weston High Street', 'Upper Bristol Road', 'Newbridge Road', 'Combe Park'] },
  { name: 'Widcombe', town: 'Bath', postcode: 'BA2', lat: 51.374, lon: -2.353, streets: ['Widcombe Hill', 'Prior Park Road', 'Claverton Street', 'Widcombe Parade'] },
  { name: 'Oldfield Park', town: 'Bath', postcode: 'BA2', lat: 51.378, lon: -2.38, streets: ['Moorland Road', 'Lower Bristol Road', 'Shaftesbury Road', 'Third Avenue'] },
  { name: 'Combe Down', town: 'Bath', postcode: 'BA2', lat: 51.358, lon: -2.35, streets: ['Bradford Road', 'North Road', 'Church Road', 'Tyning Road'] },
  { name: 'Odd Down', town: 'Bath', postcode: 'BA2', lat: 51.355, lon: -2.38, streets: ['Wellsway', 'Frome Road', 'Old Frome Road', 'Sulis Manor Road'] },
];

export const DEPOTS = [
  { code: 'AVM', name: 'Avonmouth Depot', address: 'Kings Weston Lane, Avonmouth, Bristol BS11 8AZ', lat: 51.4983, lon: -2.6842 },
  { code: 'BTH', name: 'Bath Riverside Depot', address: 'Lower Bristol Road, Bath BA2 3DW', lat: 51.3806, lon: -2.3745 },
] as const;

export const FIRST_NAMES = [
  'Oliver', 'Amelia', 'Harry', 'Isla', 'George', 'Ava', 'Jack', 'Mia', 'Noah', 'Grace', 'Charlie', 'Sophie',
  'Thomas', 'Ella', 'James', 'Freya', 'William', 'Ruby', 'Alfie', 'Evie', 'Joshua', 'Poppy', 'Leo', 'Chloe',
  'Samuel', 'Lily', 'Rhys', 'Megan', 'Priya', 'Kwame', 'Tomasz', 'Aisha',
];
export const LAST_NAMES = [
  'Smith', 'Jones', 'Taylor', 'Brown', 'Williams', 'Wilson', 'Johnson', 'Davies', 'Patel', 'Robinson', 'Wright',
  'Thompson', 'Evans', 'Walker', 'White', 'Roberts', 'Green', 'Hall', 'Wood', 'Jackson', 'Clarke', 'Hughes',
  'Edwards', 'Morgan', 'Mensah', 'Kowalski', 'Khan', 'Price',
];

/** England & Wales bank holidays (gov.uk), 2025 included so long back-histories stay correct. */
export const UK_BANK_HOLIDAYS = [
  { date: '2025-01-01', name: "New Year's Day" },
  { date: '2025-04-18', name: 'Good Friday' },
  { date: '2025-04-21', name: 'Easter Monday' },
  { date: '2025-05-05', name: 'Early May bank holiday' },
  { date: '2025-05-26', name: 'Spring bank holiday' },
  { date: '2025-08-25', name: 'Summer bank holiday' },
  { date: '2025-12-25', name: 'Christmas Day' },
  { date: '2025-12-26', name: 'Boxing Day' },
  { date: '2026-01-01', name: "New Year's Day" },
  { date: '2026-04-03', name: 'Good Friday' },
  { date: '2026-04-06', name: 'Easter Monday' },
  { date: '2026-05-04', name: 'Early May bank holiday' },
  { date: '2026-05-25', name: 'Spring bank holiday' },
  { date: '2026-08-31', name: 'Summer bank holiday' },
  { date: '2026-12-25', name: 'Christmas Day' },
  { date: '2026-12-28', name: 'Boxing Day (substitute day)' },
  { date: '2027-01-01', name: "New Year's Day" },
  { date: '2027-03-26', name: 'Good Friday' },
  { date: '2027-03-29', name: 'Easter Monday' },
  { date: '2027-05-03', name: 'Early May bank holiday' },
  { date: '2027-05-31', name: 'Spring bank holiday' },
  { date: '2027-08-30', name: 'Summer bank holiday' },
  { date: '2027-12-27', name: 'Christmas Day (substitute day)' },
  { date: '2027-12-28', name: 'Boxing Day (substitute day)' },
];

/** Invented postcode sector and unit ("BS7 8AE" shape), stable per call order under the seeded PRNG. */
export function postcodeUnit(district: string, digit: number, letters: string): string {
  return `${district} ${digit}${letters}`;
}
