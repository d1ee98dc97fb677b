import { describe, expect, it } from 'vitest';
import { hostEnv, HostSupervisor, parseLanBanner, type HostOptions, type HostStatus } from './host-process.js';
import { FakeUtility, ManualScheduler } from './testing/fake-electron.js';

const base: HostOptions = {
  entry: '/app/dist/host/start.js',
  dataDir: '/home/d/.config/DepotDesk/depot',
  port: 4400,
  lan: true,
  readyTimeoutMs: 10_000,
  stopTimeoutMs: 3_000,
  backoff: { initialMs: 1_000, factor: 2, maxMs: 8_000 },
  giveUp: { maxCrashes: 4, windowMs: 60_000 },
  baseEnv: { PATH: '/usr/bin', DEPOTDESK_PORT: '9999' },
};

function supervised(overrides: Partial<HostOptions> = {}) {
  const utility = new FakeUtility();
  const clock = new ManualScheduler();
  const killed: number[] = [];
  const statuses: HostStatus[] = [];
  const sup = new HostSupervisor(utility, { ...base, ...overrides }, clock, (pid) => killed.push(pid));
  sup.onStatus((s) => statuses.push(s));
  return { utility, clock, killed, statuses, sup };
}

const flush = () => new Promise<void>((r) => setImmediate(r));

describe('host process supervision', () => {
  it('when started, then the host bundle is forked with its config in the environment and ready resolves with its URL', async () => {
    const { utility, sup } = supervised();
    const ready = sup.start();
    expect(utility.children).toHaveLength(1);
    expect(utility.last.modulePath).toBe('/app/dist/host/start.js');
    expect(utility.last.env).toMatchObject({
      PATH: '/usr/bin',
      DEPOTDESK_DATA_DIR: '/home/d/.config/DepotDesk/depot',
      DEPOTDESK_PORT: '4400',
      DEPOTDESK_HOST: '127.0.0.1',
      DEPOTDESK_LAN: '1',
      DEPOTDESK_HOST_ENTRY: '1',
    });
    utility.last.ready(4400);
    await expect(ready).resolves.toMatchObject({ state: 'ready', url: 'http://127.0.0.1:4400', port: 4400 });
  });

  it('when crew LAN is off, then the host is told so', () => {
    const { utility, sup } = supervised({ lan: false });
    void sup.start();
    expect(utility.last.env.DEPOTDESK_LAN).toBe('0');
  });

  it('when the ready message carries a setup code, then the supervisor holds it, outside the status every listener sees', async () => {
    const { utility, sup, statuses } = supervised();
    const ready = sup.start();
    utility.last.ready(4400, 'Zmlyc3QtcnVuLXNldHVwLWNv');
    await ready;
    expect(sup.setupCode).toBe('Zmlyc3QtcnVuLXNldHVwLWNv');
    expect(JSON.stringify(statuses)).not.toContain('Zmlyc3QtcnVuLXNldHVwLWNv');
  });

  it('when the setup code is missing or malformed, then the host is still ready and there is no code', async () => {
    for (const setupCode of [undefined, 'short', 'x'.repeat(129), 'with spaces in it, sixteen+', 42]) {
      const { utility, sup } = supervised();
      const ready = sup.start();
      utility.last.emit('message', {
        type: 'ready',
        url: 'http://127.0.0.1:4400',
        port: 4400,
        ...(setupCode === undefined ? {} : { setupCode }),
      });
      await expect(ready).resolves.toMatchObject({ state: 'ready', port: 4400 });
      expect(sup.setupCode).toBeNull();
    }
  });

  it('when a message is not a valid ready message, then it is ignored', async () => {
    const { utility, sup } = supervised();
    void sup.start();
    utility.last.emit('message', { type: 'ready', url: 'not a url', port: 1 });
    utility.last.emit('message', { type: 'other' });
    expect(sup.status.state).toBe('starting');
  });

  it('when the host crashes after being ready, then it is restarted after 1 s, 2 s, 4 s… (backoff)', async () => {
    const { utility, clock, sup, statuses } = supervised();
    void sup.start();
    utility.last.ready();
    utility.last.exit(1);
    expect(sup.status).toMatchObject({ state: 'restarting', inMs: 1_000, crashes: 1 });
    clock.advance(999);
    expect(utility.children).toHaveLength(1);
    clock.advance(1);
    expect(utility.children).toHaveLength(2);
    // The port stays fixed after a crash of a host that did listen: the console keeps its origin.
    expect(utility.last.env.DEPOTDESK_PORT).toBe('4400');
    utility.last.exit(1);
    expect(sup.status).toMatchObject({ state: 'restarting', inMs: 2_000, crashes: 2 });
    clock.advance(2_000);
    utility.last.ready();
    expect(sup.status.state).toBe('ready');
    expect(statuses.map((s) => s.state)).toEqual(['starting', 'ready', 'restarting', 'starting', 'restarting', 'starting', 'ready']);
  });

  it('when the backoff grows past its cap, then it stays at the cap', () => {
    const { utility, clock, sup } = supervised({ giveUp: { maxCrashes: 10, windowMs: 600_000 } });
    void sup.start();
    const delays: number[] = [];
    for (let i = 0; i < 6; i++) {
      utility.last.exit(1);
      if (sup.status.state === 'restarting') delays.push(sup.status.inMs);
      clock.advance(60_000);
    }
    expect(delays).toEqual([1_000, 2_000, 4_000, 8_000, 8_000, 8_000]);
  });

  it('when the host crashes more than the limit within the window, then it gives up with a visible error', async () => {
    const { utility, clock, sup } = supervised();
    const ready = sup.start();
    for (let i = 0; i < 5; i++) {
      utility.last.exit(134);
      clock.advance(10_000);
    }
    expect(sup.status.state).toBe('failed');
    expect(sup.status.state === 'failed' && sup.status.message).toMatch(/crashed 5 times within 60 s.*code 134/);
    await expect(ready).rejects.toThrow(/crashed 5 times/);
    expect(utility.children).toHaveLength(5);
    expect(clock.pending()).toEqual([]);
  });

  it('when crashes are spread out beyond the window, then it keeps restarting', () => {
    const { utility, clock, sup } = supervised();
    void sup.start();
    for (let i = 0; i < 8; i++) {
      utility.last.ready();
      clock.advance(70_000);
      utility.last.exit(1);
      expect(sup.status).toMatchObject({ state: 'restarting', inMs: 1_000 });
      clock.advance(1_000);
    }
    expect(utility.children).toHaveLength(9);
  });

  it('when the host never says ready, then it is killed at the timeout and retried on a free port', () => {
    const { utility, clock, sup, killed } = supervised();
    void sup.start();
    const first = utility.last;
    first.exitsOnKill = false;
    clock.advance(10_000);
    expect(first.killed).toBe(1);
    expect(killed).toEqual([first.pid]);
    first.exit(137);
    expect(sup.status).toMatchObject({ state: 'restarting', reason: expect.stringMatching(/before it was ready/) });
    clock.advance(1_000);
    expect(utility.last.env.DEPOTDESK_PORT).toBe('0');
  });

  it('when stopped, then it sends SIGTERM, resolves on exit and does not restart', async () => {
    const { utility, clock, sup, killed } = supervised();
    void sup.start();
    utility.last.ready();
    await sup.stop();
    expect(utility.last.killed).toBe(1);
    expect(killed).toEqual([]);
    expect(sup.status.state).toBe('stopped');
    clock.advance(120_000);
    expect(utility.children).toHaveLength(1);
  });

  it('when the host ignores SIGTERM, then it is killed after the stop timeout', async () => {
    const { utility, clock, sup, killed } = supervised();
    void sup.start();
    utility.last.ready();
    utility.last.exitsOnKill = false;
    const stopped = sup.stop();
    clock.advance(2_999);
    expect(killed).toEqual([]);
    clock.advance(1);
    expect(killed).toEqual([utility.last.pid]);
    utility.last.exit(137);
    await stopped;
    expect(sup.status.state).toBe('stopped');
  });

  it('when stopped while waiting to restart, then the pending restart is cancelled', async () => {
    const { utility, clock, sup } = supervised();
    const ready = sup.start();
    ready.catch(() => {});
    utility.last.exit(1);
    await sup.stop();
    clock.advance(60_000);
    expect(utility.children).toHaveLength(1);
    await expect(ready).rejects.toThrow(/stopped/);
  });

  it('when restarted with crew LAN switched off, then the old host stops first and the new one gets DEPOTDESK_LAN=0', async () => {
    const { utility, sup } = supervised();
    void sup.start();
    utility.last.ready();
    const first = utility.last;
    const again = sup.restart({ lan: false });
    await flush();
    expect(first.exited).toBe(true);
    expect(utility.children).toHaveLength(2);
    expect(utility.last.env.DEPOTDESK_LAN).toBe('0');
    utility.last.ready();
    await expect(again).resolves.toMatchObject({ state: 'ready', lan: { enabled: false } });
    expect(sup.lanEnabled).toBe(false);
  });

  it('when the host prints its crew LAN address, then the ready status carries it for the tray', async () => {
    const { utility, sup } = supervised();
    void sup.start();
    utility.last.ready();
    utility.last.stdout.emit(
      'data',
      Buffer.from(
        'DepotDesk depot host listening on http://127.0.0.1:4400\n  crew LAN: https://192.168.1.20:4443/crew/  (certificate SHA-256 AB:CD)\n',
      ),
    );
    expect(sup.status).toMatchObject({ state: 'ready', lan: { enabled: true, crewUrl: 'https://192.168.1.20:4443/crew/', problem: null } });
  });
});

describe('host environment and banner', () => {
  it('when the parent environment has DEPOTDESK_* variables, then ours win and resources are passed when packaged', () => {
    const env = hostEnv({ ...base, resourcesDir: '/opt/DepotDesk/resources' }, 0);
    expect(env.DEPOTDESK_PORT).toBe('0');
    expect(env.DEPOTDESK_RESOURCES_DIR).toBe('/opt/DepotDesk/resources');
  });

  it('when the banner says the crew port is off or failed, then the problem is reported', () => {
    expect(parseLanBanner('  crew LAN access off (--no-lan)\n')).toEqual({ crewUrl: null, problem: 'crew LAN access off (--no-lan)' });
    expect(parseLanBanner('  crew LAN port 4443 not served: listen EADDRINUSE\n')).toEqual({
      crewUrl: null,
      problem: 'crew LAN port 4443 not served: listen EADDRINUSE',
    });
    expect(parseLanBanner('{"level":30,"msg":"depot host ready"}')).toBeNull();
  });
});
