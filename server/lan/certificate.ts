import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { X509Certificate } from 'node:crypto';
import { generate } from 'selfsigned';

/**
 * The depot's TLS material under <dataDir>/tls. Two certificates, as mkcert does it: a depot CA that
 * phones trust once, and a server certificate signed by it that names the current LAN addresses.
 * When DHCP hands the desk a new address only the server certificate is re-issued, so crews do not
 * have to install anything again.
 */
export interface DepotTls {
  dir: string;
  key: string;
  cert: string;
  /** The CA certificate (PEM): what a phone installs, and what a script passes as `ca`. */
  caCert: string;
  /** SHA-256 fingerprint of the CA certificate, "AB:CD:…": what a crew compares when installing it. */
  fingerprint: string;
  /** Names and addresses in the server certificate's SubjectAltName. */
  names: { dns: string[]; ips: string[] };
  /** What was (re)generated on this call and why; empty when everything was reused. */
  actions: string[];
}

export interface CertificateOptions {
  depotName?: string;
  hostname?: string;
  /** LAN IPv4 addresses to cover; defaults to every non-internal IPv4 address of this machine. */
  addresses?: string[];
  now?: number;
}

const DAY = 86_400_000;
const CA_DAYS = 3650;
/** iOS refuses server certificates valid for more than 825 days even under a user-installed root. */
const SERVER_DAYS = 730;
/** Re-issue a little before expiry so a phone never meets an expired certificate mid-shift. */
const RENEW_BEFORE = 30 * DAY;

export function lanAddresses(): string[] {
  const found = new Set<string>();
  for (const list of Object.values(os.networkInterfaces())) {
    for (const a of list ?? []) {
      // Node 18.0–18.3 reported family as a number.
      const v4 = a.family === 'IPv4' || (a.family as unknown) === 4;
      if (v4 && !a.internal) found.add(a.address);
    }
  }
  return [...found].sort();
}

function dnsNames(hostname: string): string[] {
  const names = ['localhost'];
  // A hostname with characters DNS cannot carry would make the SAN invalid; leave it out rather than fail.
  if (/^[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$/.test(hostname) && hostname !== 'localhost') {
    names.push(hostname);
    if (!hostname.includes('.')) names.push(`${hostname}.local`);
  }
  return names;
}

function readIfExists(file: string): string | null {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

function parse(pem: string | null): X509Certificate | null {
  if (!pem) return null;
  try {
    return new X509Certificate(pem);
  } catch {
    return null;
  }
}

/** Writes through a temp file and rename, so a power cut never leaves half a PEM; keys are 0600. */
function writeAtomic(file: string, text: string, mode: number): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, text, { mode });
  fs.chmodSync(tmp, mode);
  fs.renameSync(tmp, file);
}

/** Why a certificate cannot be used as it is, or null when it can. */
function staleReason(
  cert: X509Certificate | null,
  now: number,
  wants?: { ips: string[]; dns: string[]; ca: X509Certificate },
): string | null {
  if (!cert) return 'missing or unreadable';
  if (Date.parse(cert.validFrom) > now) return `not valid before ${cert.validFrom}`;
  if (Date.parse(cert.validTo) - RENEW_BEFORE < now) return `expires ${cert.validTo}`;
  if (!wants) return null;
  if (!cert.checkIssued(wants.ca) || !cert.verify(wants.ca.publicKey)) return 'not issued by the current depot CA';
  const missingIp = wants.ips.find((ip) => !cert.checkIP(ip));
  if (missingIp) return `does not cover LAN address ${missingIp}`;
  const missingDns = wants.dns.find((name) => !cert.checkHost(name, { wildcards: false }));
  if (missingDns) return `does not cover host name ${missingDns}`;
  return null;
}

/**
 * Loads the depot's TLS material, creating or renewing what is missing, expiring or no longer covers
 * this machine's addresses. Async only because the generator is (it uses WebCrypto).
 */
export async function ensureCertificate(dataDir: string, opts: CertificateOptions = {}): Promise<DepotTls> {
  const now = opts.now ?? Date.now();
  const hostname = opts.hostname ?? os.hostname();
  const depotName = opts.depotName ?? hostname;
  const ips = [...new Set(['127.0.0.1', ...(opts.addresses ?? lanAddresses())])];
  const dns = dnsNames(hostname);
  const dir = path.join(dataDir, 'tls');
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const files = {
    caKey: path.join(dir, 'depot-ca-key.pem'),
    caCert: path.join(dir, 'depot-ca.pem'),
    key: path.join(dir, 'depot-key.pem'),
    cert: path.join(dir, 'depot-cert.pem'),
  };
  const actions: string[] = [];
  const validity = (days: number) => ({ notBeforeDate: new Date(now - DAY), notAfterDate: new Date(now + days * DAY) });

  let caKey = readIfExists(files.caKey);
  let caPem = readIfExists(files.caCert);
  const firstRun = !caKey && !caPem;
  const caWhy = caKey ? staleReason(parse(caPem), now) : 'key missing';
  if (caWhy) {
    const ca = await generate(
      [
        { name: 'commonName', value: `DepotDesk CA ${depotName}`.slice(0, 64) },
        { name: 'organizationName', value: 'DepotDesk' },
      ],
      {
        keyType: 'ec',
        curve: 'P-256',
        algorithm: 'sha256',
        ...validity(CA_DAYS),
        extensions: [
          { name: 'basicConstraints', cA: true, pathLenConstraint: 0, critical: true },
          { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
        ],
      },
    );
    caKey = ca.private;
    caPem = ca.cert;
    writeAtomic(files.caKey, caKey, 0o600);
    writeAtomic(files.caCert, caPem, 0o644);
    actions.push(
      firstRun
        ? 'created the depot CA (first run); phones trust it once to use the crew view'
        : `created a new depot CA (previous one ${caWhy}); phones must trust the new one`,
    );
  }
  const ca = parse(caPem);
  if (!ca || !caKey || !caPem) throw new Error(`The depot CA in ${dir} cannot be read after writing it`);

  let key = readIfExists(files.key);
  let cert = readIfExists(files.cert);
  const serverWhy = key ? staleReason(parse(cert), now, { ips, dns, ca }) : 'key missing';
  if (serverWhy) {
    const issued = await generate(
      [
        { name: 'commonName', value: `DepotDesk ${depotName}`.slice(0, 64) },
        { name: 'organizationName', value: 'DepotDesk' },
      ],
      {
        keyType: 'ec',
        curve: 'P-256',
        algorithm: 'sha256',
        ca: { key: caKey, cert: caPem },
        ...validity(SERVER_DAYS),
        extensions: [
          { name: 'basicConstraints', cA: false },
          { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
          { name: 'extKeyUsage', serverAuth: true },
          {
            name: 'subjectAltName',
            altNames: [...dns.map((value) => ({ type: 2 as const, value })), ...ips.map((ip) => ({ type: 7 as const, ip }))],
          },
        ],
      },
    );
    key = issued.private;
    cert = issued.cert;
    writeAtomic(files.key, key, 0o600);
    writeAtomic(files.cert, cert, 0o644);
    actions.push(
      `issued a${firstRun ? '' : ' new'} server certificate for ${[...dns, ...ips].join(', ')}${firstRun ? '' : ` (previous one ${serverWhy})`}`,
    );
  }
  if (!key || !cert) throw new Error(`The server certificate in ${dir} cannot be read after writing it`);
  return { dir, key, cert, caCert: caPem, fingerprint: ca.fingerprint256, names: { dns, ips }, actions };
}
