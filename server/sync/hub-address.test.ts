import { describe, expect, it } from 'vitest';
import { HubRefusedError, normaliseHubUrl } from './hub-client.js';
import { isPrivateHost } from './hub-address.js';

describe('where a depot may reach its hub over plain http', () => {
  it('when the host is this machine, a private range, a VPN range or a site-local name, then it is private', () => {
    for (const host of [
      'localhost',
      '127.0.0.1',
      '10.1.2.3',
      '172.16.0.9',
      '172.31.255.1',
      '192.168.1.20',
      '169.254.3.4',
      '100.101.102.103',
    ])
      expect(isPrivateHost(host), host).toBe(true);
    for (const host of [
      '[::1]',
      '[fd12:3456::1]',
      '[fe80::1]',
      '[::ffff:10.0.0.5]',
      'hub',
      'hub.local',
      'hub.lan',
      'hub.corp.internal',
      'hub.home.arpa',
    ])
      expect(isPrivateHost(host), host).toBe(true);
  });

  it('when the host is a public address or name, then it is not', () => {
    for (const host of [
      '8.8.8.8',
      '172.32.0.1',
      '192.169.1.1',
      '100.128.0.1',
      '[2001:db8::1]',
      '[::ffff:8.8.8.8]',
      'hub.example.org',
      'localhost.example.com',
    ])
      expect(isPrivateHost(host), host).toBe(false);
  });

  it('when an admin enters http:// for a public hub, then the address is refused with the reason; https:// and private http:// pass', () => {
    expect(() => normaliseHubUrl('http://hub.example.org')).toThrow(HubRefusedError);
    try {
      normaliseHubUrl('http://203.0.113.7:4500/');
    } catch (err) {
      expect(err).toMatchObject({ code: 'hub_url_insecure' });
      expect((err as Error).message).toMatch(/https:\/\//);
    }
    expect(normaliseHubUrl('https://hub.example.org/')).toBe('https://hub.example.org');
    expect(normaliseHubUrl('http://192.168.1.20:4500')).toBe('http://192.168.1.20:4500');
  });
});
