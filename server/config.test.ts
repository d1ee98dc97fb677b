import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

describe('host configuration', () => {
  it('when a flag or variable has a bad value, then the error names the flag and the variable and what was given', () => {
    expect(() => loadConfig(['--port', 'abc'], {})).toThrow(
      '--port / DEPOTDESK_PORT: Invalid input: expected number, received NaN (given "abc")',
    );
    expect(() => loadConfig([], { DEPOTDESK_LAN_PORT: '99999' })).toThrow(/--lan-port \/ DEPOTDESK_LAN_PORT: Too big.*\(given "99999"\)/);
    expect(() => loadConfig([], { DEPOTDESK_SESSION_TTL_HOURS: 'soon' })).toThrow(
      /^Invalid DepotDesk configuration:\n {2}DEPOTDESK_SESSION_TTL_HOURS: /,
    );
  });

  it('when the values are good, then flags win over variables', () => {
    const config = loadConfig(['--port', '4401', '--data-dir', '/tmp/dd-config-test'], { DEPOTDESK_PORT: '4402' });
    expect(config).toMatchObject({ port: 4401, dataDir: '/tmp/dd-config-test' });
  });
});
