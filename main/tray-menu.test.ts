import { describe, expect, it, vi } from 'vitest';
import { applicationMenuTemplate } from './menu.js';
import type { MenuItem, ShellActions } from './menu-types.js';
import { trayMenuTemplate, trayTooltip } from './tray.js';

const actions = (): ShellActions => ({
  showConsole: vi.fn(),
  setCrewLan: vi.fn(),
  openDataFolder: vi.fn(),
  openReport: vi.fn(),
  openDocs: vi.fn(),
  openApiDocs: vi.fn(),
  quit: vi.fn(),
});
const ready = {
  state: 'ready' as const,
  url: 'http://127.0.0.1:4400',
  port: 4400,
  lan: { enabled: true, crewUrl: 'https://192.168.1.20:4443/crew/', problem: null },
};
const find = (items: MenuItem[], label: string): MenuItem | undefined =>
  items.flatMap((i) => [i, ...(i.submenu ?? [])]).find((i) => i.label === label);

describe('tray and application menu', () => {
  it('when the host runs with crew LAN on, then the tray shows its port and the crew address, and the toggle switches LAN off', () => {
    const a = actions();
    const items = trayMenuTemplate(ready, true, a);
    expect(items.map((i) => i.label).filter(Boolean)).toEqual([
      'Open console',
      'Depot host: running on port 4400',
      'Crews connect at https://192.168.1.20:4443/crew/',
      'Crew LAN access',
      'Quit DepotDesk',
    ]);
    find(items, 'Crew LAN access')!.click!();
    expect(a.setCrewLan).toHaveBeenCalledWith(false);
    expect(trayTooltip(ready, true)).toBe('DepotDesk — host running on port 4400\nCrews connect at https://192.168.1.20:4443/crew/');
  });

  it('when the host is restarting, then the LAN switch is disabled until it is back', () => {
    const items = trayMenuTemplate({ state: 'restarting', inMs: 4000, crashes: 3, reason: 'x' }, true, actions());
    expect(find(items, 'Crew LAN access')).toMatchObject({ enabled: false });
    expect(items[2]!.label).toBe('Depot host: crashed, restarting in 4 s');
  });

  it('when the application menu is built, then it offers Open report…, Open data folder, the LAN checkbox and documentation', () => {
    const a = actions();
    const menu = applicationMenuTemplate({ platform: 'linux', lanEnabled: false, lanSwitchable: true, devTools: false, actions: a });
    expect(menu.map((m) => m.label ?? m.role)).toEqual(['File', 'Edit', 'View', 'Depot', 'windowMenu', 'Help']);
    find(menu, 'Open report…')!.click!();
    find(menu, 'Open data folder')!.click!();
    find(menu, 'DepotDesk documentation')!.click!();
    expect(find(menu, 'Crew LAN access')).toMatchObject({ type: 'checkbox', checked: false });
    find(menu, 'Crew LAN access')!.click!();
    expect(a.setCrewLan).toHaveBeenCalledWith(true);
    expect([a.openReport, a.openDataFolder, a.openDocs].every((f) => vi.mocked(f).mock.calls.length === 1)).toBe(true);
    // Developer tools only in development builds.
    expect(JSON.stringify(menu)).not.toContain('toggleDevTools');
  });
});
