/**
 * How long a crew action may wait on a phone and still be recognised by the host when it is
 * finally sent (config `DEPOTDESK_REPLAY_HORIZON_DAYS`). The host keeps every mutation header at
 * least this long; the crew outbox expires older actions instead of sending them, because past it
 * the host could apply them a second time. Shared here so the phone and the host agree.
 */
export const REPLAY_HORIZON_DAYS_DEFAULT = 30;
export const DAY_MS = 86_400_000;
