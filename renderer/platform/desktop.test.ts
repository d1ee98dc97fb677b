import { describe, expect, it } from 'vitest';
import { browserPlatform } from './browser';
import { pickDesktop } from './desktop';

describe('platform choice', () => {
  const full = Object.fromEntries(Object.keys(browserPlatform).map((k) => [k, k === 'kind' ? 'desktop' : () => Promise.resolve()]));

  it('when the preload exposed a complete desktop platform, then the console uses it', () => {
    expect(pickDesktop(full)).toBe(full);
  });

  it('when there is no preload, or an older one misses a method, then the browser implementation is used', () => {
    expect(pickDesktop(undefined)).toBeNull();
    const { notifyAlert: _dropped, ...partial } = full;
    expect(pickDesktop(partial)).toBeNull();
    expect(pickDesktop({ ...full, kind: 'browser' })).toBeNull();
  });
});
