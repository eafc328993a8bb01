import { describe, expect, it } from 'vitest';
import { createLogger } from './create-logger-options.js';

function capture(secrets: string[]) {
  const lines: string[] = [];
  const log = createLogger('debug', { secrets, destination: { write: (line: string) => void lines.push(line) } });
  return { log, lines };
}

describe('createLogger', () => {
  it('masks known secrets anywhere in a line: messages, error texts, nested fields, JSON-escaped forms', () => {
    const { log, lines } = capture(['pl4nted-Secret', 'quo"te\\pw']);
    log.info({ detail: 'login with pl4nted-Secret failed' }, 'upstream said pl4nted-Secret');
    log.error({ err: new Error('bad password quo"te\\pw') }, 'failed');
    log.debug({ nested: { deeper: ['pl4nted-Secret'] } }, 'nested');
    const text = lines.join('');
    expect(lines).toHaveLength(3);
    expect(text).not.toContain('pl4nted-Secret');
    expect(text).not.toContain('quo\\"te\\\\pw');
    expect(text.match(/\*\*\*/g)?.length).toBeGreaterThanOrEqual(5);
    for (const line of lines) expect(() => JSON.parse(line) as unknown).not.toThrow();
  });

  it('masks credential-shaped values and redacts credential fields without knowing them', () => {
    const { log, lines } = capture([]);
    log.info({ url: 'postgresql://etl:s3cr3t-uri@db:5432/w', headers: { authorization: 'Bearer abcdefgh12345' } }, 'x');
    log.info({ conn: { password: 'field-pw-123' } }, 'password=inline-pw-456 token: tok-789xyz');
    log.info({ quoted: 'password=ends-in-quote"' }, 'escapes stay valid');
    const text = lines.join('');
    for (const s of ['s3cr3t-uri', 'abcdefgh12345', 'field-pw-123', 'inline-pw-456', 'tok-789xyz', 'ends-in-quote']) {
      expect(text).not.toContain(s);
    }
    for (const line of lines) expect(() => JSON.parse(line) as unknown).not.toThrow();
  });
});
