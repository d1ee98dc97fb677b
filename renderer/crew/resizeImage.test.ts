import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fitWithin, jpegName, MAX_PHOTO_SIDE } from './resizeImage';

describe('fitWithin', () => {
  it('when a 12 MP landscape photo comes in, then its long side becomes 2048 and the ratio stays', () => {
    expect(fitWithin(4032, 3024)).toEqual({ width: 2048, height: 1536, scaled: true });
  });

  it('when the photo is portrait, then the height is the long side', () => {
    expect(fitWithin(3024, 4032)).toEqual({ width: 1536, height: 2048, scaled: true });
  });

  it('when the photo is already small enough, then it is not enlarged', () => {
    expect(fitWithin(1600, 1200)).toEqual({ width: 1600, height: 1200, scaled: false });
    expect(fitWithin(2048, 10)).toEqual({ width: 2048, height: 10, scaled: false });
  });

  it('when a panorama is very thin, then the short side is at least one pixel', () => {
    expect(fitWithin(100_000, 10)).toEqual({ width: 2048, height: 1, scaled: true });
  });

  it('when the size is not a positive number, then it refuses', () => {
    expect(() => fitWithin(0, 100)).toThrow(RangeError);
    expect(() => fitWithin(Number.NaN, 100)).toThrow(RangeError);
  });

  it('when any size is fitted, then the long side is ≤ the limit and the aspect ratio is kept within a pixel', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20_000 }), fc.integer({ min: 1, max: 20_000 }), (w, h) => {
        const r = fitWithin(w, h);
        expect(Math.max(r.width, r.height)).toBeLessThanOrEqual(MAX_PHOTO_SIDE);
        expect(r.width).toBeGreaterThanOrEqual(1);
        expect(r.height).toBeGreaterThanOrEqual(1);
        if (r.scaled) {
          expect(Math.max(r.width, r.height)).toBe(MAX_PHOTO_SIDE);
          // The short side is within one pixel of the exact scaled length.
          const exact = (Math.min(w, h) * MAX_PHOTO_SIDE) / Math.max(w, h);
          expect(Math.abs(Math.min(r.width, r.height) - Math.max(1, exact))).toBeLessThanOrEqual(1);
        } else expect(r).toMatchObject({ width: w, height: h });
      }),
    );
  });
});

describe('jpegName', () => {
  it('when a photo is renamed, then its extension becomes .jpg', () => {
    expect(jpegName('IMG_0042.HEIC')).toBe('IMG_0042.jpg');
    expect(jpegName('pump.station.png')).toBe('pump.station.jpg');
    expect(jpegName('image')).toBe('image.jpg');
    expect(jpegName('.jpg')).toBe('photo.jpg');
  });
});
