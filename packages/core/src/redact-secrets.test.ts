import { describe, expect, it } from 'vitest';
import { redactSecrets, redactSecretsDeep } from './redact-secrets.js';

describe('redactSecrets', () => {
  it('masks passwords in connection URIs', () => {
    expect(redactSecrets('postgresql://etl:s3cr3t-pw@db:5432/app')).toBe('postgresql://etl:***@db:5432/app');
  });
  it('masks secret-looking key/value pairs and bearer tokens', () => {
    const out = redactSecrets(
      'password=hunter22 "api_key": "abc123def" Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.x.y',
    );
    expect(out).not.toMatch(/hunter22|abc123def|eyJhbGci/);
  });
  it('masks secrets written in prose, in English and Korean', () => {
    expect(redactSecrets('the password is hunter22 ok')).toBe('the password is *** ok');
    expect(redactSecrets('비밀번호는 hunter22 입니다')).toBe('비밀번호는 *** 입니다');
  });
  it('masks known secret values wherever they appear', () => {
    expect(redactSecrets('login with zq9-Kp2!x now', ['zq9-Kp2!x'])).toBe('login with *** now');
  });
  it('leaves ordinary text alone', () => {
    expect(redactSecrets('rows migrated: 2,000 into analytics.duckdb')).toBe(
      'rows migrated: 2,000 into analytics.duckdb',
    );
  });
});

describe('redactSecretsDeep', () => {
  it('masks every string of a value and keeps its shape, so serializing it stays valid', () => {
    const value = {
      text: 'password="a\\"b" then more',
      list: ['token=t0k3n-value', 42, null, { deeper: 'known-secret-1 here' }],
      when: new Date('2026-01-01T00:00:00Z'),
    };
    const masked = redactSecretsDeep(value, ['known-secret-1']);
    expect(JSON.parse(JSON.stringify(masked))).toEqual(masked);
    expect(JSON.stringify(masked)).not.toMatch(/t0k3n-value|known-secret-1/);
    expect(masked.list[1]).toBe(42);
    expect(masked.list[2]).toBeNull();
    expect(masked.when).toBe('2026-01-01T00:00:00.000Z');
    expect(value.list[0]).toBe('token=t0k3n-value');
  });
});
