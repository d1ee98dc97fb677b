/**
 * Secrets that travel in URLs and bodies must never reach a log line. The database keeps only
 * hashes of share codes, pairing codes and session tokens; a log that kept them in clear would undo
 * that. One function masks them all and every log path uses it: the request serializer in
 * server/app.ts and, as a catch-all, the logger's final write (server/core/logger.ts), which sees
 * every line (error logs with req.url, messages, serialized errors) as JSON text.
 *
 * Where each secret travels:
 * - share codes: the path of the customer's status page, /s/<code>, its jobcard (/s/<code>/jobcard.pdf),
 *   the redirect after a password (Location: /s/<code>) and its unlock cookie (dd_share=…);
 * - pairing codes: the body of POST /api/v1/pairing/claim ({"code": "ABCD-EFGH"}) and the crew view's
 *   URL fragment (#/pair?code=…), never sent to the host but possibly pasted into a query;
 * - setup codes: the body of POST /api/v1/setup ({"setupCode": …}), the console's #setup=… fragment
 *   and ?setup=…;
 * - session tokens: Authorization: Bearer …, and ?token=… on the WebSocket handshake.
 */

const MASK = '[redacted]';

/**
 * A value up to the next separator, in raw text or inside a JSON string (where \" and \\uXXXX
 * escapes occur: an escape is part of the value, so a secret holding one is masked whole).
 */
const valueUntil = (stops: string) => String.raw`(?:\\u[0-9A-Fa-f]{4}|\\[^u]|[^${stops}\s"'<>\\])+`;
const VALUE = valueUntil('&#;');

/** Names of query, fragment and form parameters that carry a secret. */
const SECRET_PARAMS = ['token', 'access_token', 'code', 'setup', 'setupCode', 'setup_code', 'pairingCode', 'password', 'dd_share'];

/** JSON keys whose string values are secrets, wherever they appear in a logged object. */
const SECRET_KEYS = ['token', 'setupCode', 'pairingCode', 'password', 'passwordHash', 'authorization', 'cookie', 'set-cookie'];

const PAIRING_CODE = '[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{4}-?[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{4}';

const RULES: [RegExp, string][] = [
  // /s/<code>: whatever follows, up to the next separator (a percent-encoded code is still the code).
  [new RegExp(String.raw`(/s/)${valueUntil('/?&#;')}`, 'g'), `$1${MASK}`],
  // ?token=…, &code=…, #setup=…, dd_share=… in a cookie: the parameter name stays, the value goes.
  [new RegExp(String.raw`((?<![\w-])(?:${SECRET_PARAMS.join('|')})=)${VALUE}`, 'gi'), `$1${MASK}`],
  // "setupCode":"…" and friends in logged objects (a body someone logs, a header map).
  [new RegExp(String.raw`("(?:${SECRET_KEYS.join('|')})"\s*:\s*")(?:\\.|[^"\\])*"`, 'gi'), `$1${MASK}"`],
  // A pairing code as a "code" value: error codes ("not_found") never have this shape.
  [new RegExp(String.raw`("code"\s*:\s*")${PAIRING_CODE}"`, 'g'), `$1${MASK}"`],
  [/\b(Bearer\s+)[\w.~+/=-]+/gi, `$1${MASK}`],
  // Session tokens by shape, wherever else one ends up (server/auth/tokens.ts makes them "ddk_…").
  [/\bddk_[\w-]{10,}/g, `ddk_${MASK}`],
];

/** `text` with every secret masked; text without secrets comes back unchanged. */
export function redactSecrets(text: string): string {
  let out = text;
  for (const [pattern, replacement] of RULES) out = out.replace(pattern, replacement);
  return out;
}
