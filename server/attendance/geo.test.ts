import { describe, expect, it } from 'vitest';
import { EARTH_RADIUS_M, fenceOf, haversineM } from './geo.js';

const LONDON = { lat: 51.5074, lon: -0.1278 };
const PARIS = { lat: 48.8566, lon: 2.3522 };
const JFK = { lat: 40.6413, lon: -73.7781 };
const LHR = { lat: 51.47, lon: -0.4543 };

describe('haversineM', () => {
  it('when given well-known city pairs, then it matches their published great-circle distances', () => {
    // London–Paris ≈ 343.5 km; JFK–Heathrow ≈ 5,540 km on a sphere (5,555 km on the ellipsoid).
    expect(haversineM(LONDON, PARIS) / 1000).toBeCloseTo(343.56, 1);
    expect(haversineM(JFK, LHR) / 1000).toBeCloseTo(5540.0, 0);
  });

  it('when measuring one degree along a meridian or the equator, then it is πR/180 (≈ 111.195 km)', () => {
    const oneDegree = (Math.PI * EARTH_RADIUS_M) / 180;
    expect(haversineM({ lat: 0, lon: 0 }, { lat: 1, lon: 0 })).toBeCloseTo(oneDegree, 6);
    expect(haversineM({ lat: 0, lon: 0 }, { lat: 0, lon: 1 })).toBeCloseTo(oneDegree, 6);
    expect(oneDegree).toBeCloseTo(111_195.08, 1);
    // At 60° north a degree of longitude is half as long (cos 60° = ½), to within the great-circle bulge.
    expect(haversineM({ lat: 60, lon: 0 }, { lat: 60, lon: 1 })).toBeCloseTo(oneDegree / 2, -1);
  });

  it('when the points are equal, antipodal, swapped or across the date line, then the distance is 0, πR, symmetric and short', () => {
    expect(haversineM(LONDON, LONDON)).toBe(0);
    expect(haversineM({ lat: 0, lon: 0 }, { lat: 0, lon: 180 })).toBeCloseTo(Math.PI * EARTH_RADIUS_M, 3);
    expect(haversineM({ lat: 90, lon: 0 }, { lat: -90, lon: 0 })).toBeCloseTo(Math.PI * EARTH_RADIUS_M, 3);
    expect(haversineM(PARIS, LONDON)).toBe(haversineM(LONDON, PARIS));
    expect(haversineM({ lat: 0, lon: 179.5 }, { lat: 0, lon: -179.5 })).toBeCloseTo((Math.PI * EARTH_RADIUS_M) / 180, 3);
  });
});

describe('fenceOf', () => {
  const site = { lat: 51.5, lon: -0.1, radiusM: 100 };
  const north = (m: number) => ({ lat: 51.5 + m / 111_195.08, lon: -0.1 });

  it('when the reading is within the radius, then inside, with the distance to 0.1 m', () => {
    expect(fenceOf(site, north(60))).toEqual({ fence: 'inside', distanceM: 60 });
    expect(fenceOf(site, north(100)).fence).toBe('inside');
    expect(fenceOf(site, north(101))).toEqual({ fence: 'outside', distanceM: 101 });
  });

  it('when the reading has an accuracy, then it widens the fence, but by at most 100 m', () => {
    expect(fenceOf(site, { ...north(140), accuracyM: 50 }).fence).toBe('inside');
    expect(fenceOf(site, { ...north(160), accuracyM: 50 }).fence).toBe('outside');
    expect(fenceOf(site, { ...north(199), accuracyM: 5000 }).fence).toBe('inside');
    expect(fenceOf(site, { ...north(250), accuracyM: 5000 }).fence).toBe('outside');
  });

  it('when there is no reading or no site, then unknown without a distance', () => {
    expect(fenceOf(site, null)).toEqual({ fence: 'unknown', distanceM: null });
    expect(fenceOf(null, north(0))).toEqual({ fence: 'unknown', distanceM: null });
  });
});
