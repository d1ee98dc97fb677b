import { z } from 'zod';
import { defineRoute, type AnyRoute } from '../http/route.js';

export interface LanInfo {
  /** https://<address>:<port>/crew/ — what a phone on the depot Wi-Fi opens. */
  crewUrl: string | null;
  origins: string[];
  /** SHA-256 of the depot CA, so a crew member can check what they are trusting. */
  fingerprint: string | null;
  /** Why crews cannot connect, when they cannot (e.g. --no-lan, port taken). */
  problem: string | null;
}

export const LanInfoResponse = z.object({
  crewUrl: z.string().nullable(),
  origins: z.array(z.string()),
  fingerprint: z.string().nullable(),
  problem: z.string().nullable(),
});

export const lanInfoRoutes: AnyRoute[] = [
  defineRoute({
    method: 'get',
    path: '/lan',
    tag: 'Crews',
    access: 'session:manage',
    summary: "Where crews reach this depot on the LAN (for pairing QR codes) and the certificate's fingerprint",
    response: LanInfoResponse,
    // The app is built before the crew listener opens (it serves the same app): start.ts fills this in afterwards.
    handler: ({ services }) => services.lan,
  }),
];
