import { Writable } from 'node:stream';
import { createLogger } from '../../infra/logger';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { lines, logger: createLogger('test', { destination, level: 'info' }) };
}

describe('logger redaction', () => {
  it('never prints secrets, at the top level, nested, or in headers', () => {
    const { lines, logger } = capture();
    logger.info(
      {
        password: 'hunter2',
        privateKeyPem: '-----BEGIN PRIVATE KEY-----abc',
        venue: { apiSecret: 's3cr3t', passphrase: 'pp', name: 'kalshi' },
        request: { headers: { Authorization: 'Bearer eyJhbGciOi', 'KALSHI-ACCESS-SIGNATURE': 'c2lnbmF0dXJl' } },
      },
      'submitting',
    );
    const text = lines.join('');
    for (const secret of ['hunter2', 'BEGIN PRIVATE KEY', 's3cr3t', '"pp"', 'eyJhbGciOi', 'c2lnbmF0dXJl']) {
      expect(text).not.toContain(secret);
    }
    const entry = JSON.parse(text) as { venue: { name: string; apiSecret: string }; request: { headers: Record<string, string> } };
    expect(entry.venue.name).toBe('kalshi');
    expect(entry.venue.apiSecret).toBe('[redacted]');
    expect(entry.request.headers['KALSHI-ACCESS-SIGNATURE']).toBe('[redacted]');
  });
});
