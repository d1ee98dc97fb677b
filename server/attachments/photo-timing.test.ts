import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from '../testing/harness.js';
import { seedWorld, workOrderAt, type World } from '../work-orders/fixtures.js';
import { phonePhoto, upload } from './test-helpers.js';

let t: TestHost;
let a: World;

beforeAll(async () => {
  t = await startTestHost();
  a = await seedWorld(t, 'Riverside');
});
afterAll(() => t.close());

describe('photo processing time', () => {
  it("when a 12-megapixel phone JPEG is uploaded, then the host stores it with its copies in well under the crew's patience (median of 5)", async () => {
    const photo = await phonePhoto(4000, 3000);
    expect((await sharp(photo).metadata()).width).toBe(4000);
    const wo = workOrderAt(a, 'ON_SITE');
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      const res = await upload(t, a.tokens.tech1, wo.id, photo, { kind: 'photo', fileName: `p${i}.jpg`, lat: '51.5', lon: '-0.1' });
      times.push(performance.now() - started);
      expect(res.status).toBe(201);
    }
    const median = [...times].sort((x, y) => x - y)[2]!;
    console.log(
      `12 MP JPEG (${(photo.length / 1024 / 1024).toFixed(1)} MiB) upload → stored with display copy and thumbnail: median ${median.toFixed(0)} ms (runs: ${times.map((x) => x.toFixed(0)).join(', ')})`,
    );
    // Generous for a busy depot PC; on an idle 2-core machine it is a few hundred ms.
    expect(median).toBeLessThan(3000);
  });
});
