/**
 * The host's upload limits (server/attachments/contract.ts UPLOAD_LIMITS; the renderer may only
 * import types from server/, so the figures are repeated here and shown to the crew). The host
 * checks again, by content, and its 413/415 answer is what the crew finally sees.
 */
const MiB = 1024 * 1024;
export const LIMITS = {
  photo: { maxBytes: 15 * MiB, types: 'JPEG, PNG or WebP' },
  document: { maxBytes: 20 * MiB, types: 'PDF, JPEG, PNG, WebP or plain text' },
  signature: { maxBytes: 1 * MiB, types: 'PNG' },
} as const;

/** A refusal before queueing a file the host would refuse anyway (saves the phone's storage and Wi-Fi). */
export function tooBig(kind: keyof typeof LIMITS, bytes: number): string | null {
  const max = LIMITS[kind].maxBytes;
  return bytes > max ? `This file is ${(bytes / MiB).toFixed(1)} MB; the depot accepts ${kind}s up to ${max / MiB} MB.` : null;
}
