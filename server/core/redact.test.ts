import { describe, expect, it } from 'vitest';
import { redactSecrets } from './redact.js';

describe('redactSecrets', () => {
  it.each([
    ['a share page', 'GET /s/Ab3dEf6hIj9k', 'GET /s/[redacted]'],
    ['a share jobcard', '/s/Ab3dEf6hIj9k/jobcard.pdf?x=1', '/s/[redacted]/jobcard.pdf?x=1'],
    ['a percent-encoded share code', '/s/%41b3dEf6hIj9k', '/s/[redacted]'],
    ['a share redirect in a header map', '{"location":"/s/Ab3dEf6hIj9k"}', '{"location":"/s/[redacted]"}'],
    ['an unlock cookie', '"set-cookie":"dd_share=abc; Path=/s/Ab3dEf6hIj9k"', '"set-cookie":"[redacted]"'],
    ['a cookie in a raw header line', 'Cookie: other=1; dd_share=q1w2e3', 'Cookie: other=1; dd_share=[redacted]'],
    ['a WebSocket token', '/ws?x=1&token=ddk_abc.def-ghi', '/ws?x=1&token=[redacted]'],
    ['a token first in the query', '/api/v1/auth/me?token=ddk_abcdefghijkl', '/api/v1/auth/me?token=[redacted]'],
    ['a setup code in a fragment', 'http://127.0.0.1:4400/#setup=Abc_def-123456789012', 'http://127.0.0.1:4400/#setup=[redacted]'],
    ['a setup code in a query', '/api/v1/setup?setup=Abc_def-1234&x=2', '/api/v1/setup?setup=[redacted]&x=2'],
    ['a setup code in a body', '{"setupCode":"Abc_def-1234","admin":{}}', '{"setupCode":"[redacted]","admin":{}}'],
    ['a pairing code in a query', '/crew/#/pair?code=ABCD-EFGH', '/crew/#/pair?code=[redacted]'],
    ['a pairing code in a body', '{"code":"ABCD-EFGH"}', '{"code":"[redacted]"}'],
    ['a bare pairing code in a body', '{"code":"ABCDEFGH"}', '{"code":"[redacted]"}'],
    ['a bearer token', 'authorization: Bearer ddk_abcdefghijklmnop', 'authorization: Bearer [redacted]'],
    ['a session token anywhere', 'revoked ddk_abcdefghijklmnop at 9', 'revoked ddk_[redacted] at 9'],
    ['a password in a form', 'password=hunter2hunter2&x=1', 'password=[redacted]&x=1'],
    ['a JSON-escaped quote inside a token', '{"url":"/ws?token=ab\\"cd\\u0041ef"}', '{"url":"/ws?token=[redacted]"}'],
  ])('when the text holds %s, then the secret is masked and the rest kept', (_what, text, expected) => {
    expect(redactSecrets(text)).toBe(expected);
  });

  it.each([
    ['an error code', '{"code":"not_found","status":404}'],
    ['a work-order path', '/api/v1/work-orders/01a24535-98c3-71b3-8bcf-bd8aafa91399/events?limit=5'],
    ['an unrelated parameter ending in "code"', '/api/v1/assets?zipcode=12345&barcode=9'],
    ['a plain message', 'depot host ready'],
  ])('when the text holds %s only, then it comes back unchanged', (_what, text) => {
    expect(redactSecrets(text)).toBe(text);
  });

  it('when a line is redacted twice (serializer, then logger), then the result is the same', () => {
    const once = redactSecrets('{"url":"/s/Ab3dEf6hIj9k?token=x"}');
    expect(redactSecrets(once)).toBe(once);
  });

  it('when a JSON log line is redacted, then it is still valid JSON', () => {
    const line = JSON.stringify({
      req: { url: '/s/Ab3dEf6hIj9k?token=a"b\\c' },
      res: { headers: { location: '/s/Ab3dEf6hIj9k', 'set-cookie': 'dd_share=x' } },
      msg: 'request completed',
    });
    const parsed = JSON.parse(redactSecrets(line)) as { req: { url: string } };
    expect(parsed.req.url).toBe('/s/[redacted]?token=[redacted]');
  });
});
