import { describe, expect, it } from 'vitest';
import { redactSecrets } from './redact-secrets.js';

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
