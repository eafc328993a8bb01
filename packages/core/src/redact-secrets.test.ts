import { describe, expect, it } from 'vitest';
import {
  redactSecrets,
  redactSecretsAsync,
  redactSecretsDeep,
  redactSecretsDeepAsync,
  redactSpecSecrets,
  secretValuesIn,
} from './redact-secrets.js';

describe('redactSecrets', () => {
  it('masks passwords in connection URIs and keeps the rest of the URI', () => {
    expect(redactSecrets('postgresql://etl:s3cr3t-pw@db:5432/app')).toBe('postgresql://etl:***@db:5432/app');
    expect(redactSecrets('https://x-access-token:tok123@github.com/a/b')).toBe(
      'https://x-access-token:***@github.com/a/b',
    );
    expect(redactSecrets('mysql://root@localhost/db')).toBe('mysql://root@localhost/db');
  });
  it('masks secret-looking key/value pairs and bearer tokens', () => {
    const out = redactSecrets(
      'password=hunter22 "api_key": "abc123def" Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.x.y',
    );
    expect(out).not.toMatch(/hunter22|abc123def|eyJhbGci/);
  });

  // [input, what must disappear, what must stay]
  const cases: [string, string, string][] = [
    ['pw: abc12345', 'abc12345', 'pw: ***'],
    ['pass=abc', 'abc', 'pass=***'],
    ['password Tr0ub4dor&3 then', 'Tr0ub4dor', 'password *** then'],
    ['passwd: s3cret!', 's3cret', 'passwd: ***'],
    ['AIRFLOW_PASSWORD=abc db_password: "x y z"', 'x y z', 'AIRFLOW_PASSWORD=*** db_password: "***"'],
    ['client_secret=Zx81-kk ok', 'Zx81-kk', 'client_secret=*** ok'],
    ['the secret: hunter2', 'hunter2', 'the secret: ***'],
    ['token=tok_9f8e7d6c&user=bob', 'tok_9f8e7d6c', 'token=***&user=bob'],
    ['api_key=abcd1234, apikey: efgh5678', 'efgh5678', 'api_key=***, apikey: ***'],
    ['x-api-key: K3y-Value-123', 'K3y-Value-123', 'x-api-key: ***'],
    ['aws_secret_access_key = wJalrXUtnFEMI/K7MDENG', 'wJalrXUtnFEMI', 'aws_secret_access_key = ***'],
    ['key AKIAIOSFODNN7EXAMPLE here', 'AKIAIOSFODNN7EXAMPLE', 'key *** here'],
    ['temporary ASIAY34FZKBOKMUTVV7A here', 'ASIAY34FZKBOKMUTVV7A', 'temporary *** here'],
    ['and wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY done', 'bPxRfiCY', 'and *** done'],
    ['OPENAI sk-abcdefghijklmnopqrstuvwxyz012345', 'abcdefghijklmnop', 'OPENAI ***'],
    ['sk-proj-AbCdEfGhIjKlMnOpQrStUvWxYz_0123456789-x', 'AbCdEfGh', '***'],
    ['ghp_abcdefghijklmnopqrstuvwxyz0123456789', 'abcdefghijklmnop', '***'],
    ['gho_abcdefghijklmnopqrstuvwxyz0123456789 x', 'abcdefghijklmnop', '*** x'],
    ['ghs_abcdefghijklmnopqrstuvwxyz0123456789', 'abcdefghijklmnop', '***'],
    ['github_pat_11ABCDEFG0123456789_abcdefghijklmnop', '11ABCDEFG', '***'],
    ['slack xoxb-1234567890-abcdefghij', '1234567890', 'slack ***'],
    ['xoxp-1234567890-0987654321-abcdef', '0987654321', '***'],
    ['https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXX', 'XXXXXXXX', 'https://hooks.slack.com/services/***'],
    ['AIzaSyA-abcdefghijklmnopqrstuvwxyz12345', 'abcdefghij', '***'],
    ['jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl', 'eyJzdWIiOiIxIn0', 'jwt ***'],
    [
      '-----BEGIN RSA PRIVATE KEY-----\nMIIabc\ndef\n-----END RSA PRIVATE KEY-----',
      'MIIabc',
      '-----BEGIN RSA PRIVATE KEY-----***-----END',
    ],
    [
      '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXk (cut)',
      'b3BlbnNzaC1rZXk',
      '-----BEGIN OPENSSH PRIVATE KEY-----***',
    ],
    ['curl -H "Authorization: Basic dXNlcjpwYXNz"', 'dXNlcjpwYXNz', 'Authorization: Basic ***'],
    ['Authorization: Bearer abcdefgh12345', 'abcdefgh12345', 'Authorization: Bearer ***'],
    ['the password is hunter22 ok', 'hunter22', 'the password is *** ok'],
    ['비밀번호는 hunter22 입니다', 'hunter22', '비밀번호는 *** 입니다'],
    ['암호: Xyz123abc', 'Xyz123abc', '암호: ***'],
    ['비밀번호를 hunter22로 바꿔', 'hunter22', '비밀번호를 ***로 바꿔'],
    ['비밀번호가 pa55word야', 'pa55word', '비밀번호가 ***야'],
    ['토큰은 tk-8891aa 이다', 'tk-8891aa', '토큰은 *** 이다'],
    ['password는 abc123', 'abc123', 'password는 ***'],
  ];
  for (const [input, gone, kept] of cases) {
    it(`masks ${JSON.stringify(input.slice(0, 40))}`, () => {
      const out = redactSecrets(input);
      expect(out).not.toContain(gone);
      expect(out).toContain(kept);
    });
  }

  it('leaves ordinary text alone', () => {
    for (const text of [
      'rows migrated: 2,000 into analytics.duckdb',
      'password reset link',
      '암호화 방식: AES',
      '비밀번호는 안전하게 보관하세요',
      'WHERE token IS NOT NULL',
      'max_tokens: 1000',
      'commit 3f786850e387550fdab836ed7e6dc881de23001b',
      'the task sk-1 finished',
    ]) {
      expect(redactSecrets(text)).toBe(text);
    }
  });

  it('masks known secret values wherever they appear, also reversed, in base64 or hex', () => {
    const secret = 'zq9-Kp2!x';
    expect(redactSecrets('login with zq9-Kp2!x now', [secret])).toBe('login with *** now');
    const disguised = [
      [...secret].reverse().join(''),
      Buffer.from(secret).toString('base64'),
      Buffer.from(secret).toString('base64url'),
      Buffer.from(secret).toString('hex'),
      Buffer.from(secret).toString('hex').toUpperCase(),
      encodeURIComponent(secret),
      // inside a longer base64 text, at each of the three alignments
      Buffer.from(`a${secret}-more`).toString('base64'),
      Buffer.from(`ab${secret}-more`).toString('base64'),
      Buffer.from(`abc${secret}-more`).toString('base64'),
    ];
    for (const text of disguised) {
      const out = redactSecrets(`value ${text} end`, [secret]);
      expect(out, text).toContain('***');
      // at least the 8 characters that carry the secret are gone
      expect(out.replace('***', '').length).toBeLessThanOrEqual(`value ${text} end`.length - 8);
      expect(out).not.toContain(text);
    }
  });
});

describe('redactSecretsAsync', () => {
  it('masks a long text like redactSecrets, also where a key and its value sit across a window edge', async () => {
    const filler = 'lorem ipsum '.repeat(6000);
    const edge = 'x'.repeat(64 * 1024 - 5);
    const text = `${edge} password= hunter22 ${filler} ghp_abcdefghijklmnopqrstuvwxyz0123456789 ${filler} -----BEGIN PRIVATE KEY-----\n${'QUJD'.repeat(40_000)}\n-----END PRIVATE KEY----- known-Secret-1`;
    const out = await redactSecretsAsync(text, ['known-Secret-1']);
    expect(out).toBe(redactSecrets(text, ['known-Secret-1']));
    expect(out).not.toMatch(/hunter22|abcdefghijklmnop|QUJDQUJD|known-Secret-1/);
  });
});

describe('redactSecretsDeep', () => {
  it('masks every string of a value and keeps its shape, so serializing it stays valid', async () => {
    const value = {
      text: 'password="a\\"b" then more',
      list: ['token=t0k3n-value', 42, null, { deeper: 'known-secret-1 here' }],
      when: new Date('2026-01-01T00:00:00Z'),
      'api_key=k3y-in-a-key': true,
    };
    for (const masked of [
      redactSecretsDeep(value, ['known-secret-1']),
      await redactSecretsDeepAsync(value, ['known-secret-1']),
    ]) {
      expect(JSON.parse(JSON.stringify(masked))).toEqual(masked);
      expect(JSON.stringify(masked)).not.toMatch(/t0k3n-value|known-secret-1|k3y-in-a-key/);
      expect(masked.list[1]).toBe(42);
      expect(masked.list[2]).toBeNull();
      expect(masked.when).toBe('2026-01-01T00:00:00.000Z');
    }
    expect(value.list[0]).toBe('token=t0k3n-value');
  });
});

describe('redactSpecSecrets', () => {
  it('masks every string field of a spec, not only the description', () => {
    const spec = {
      dag_id: 'load_users',
      description: 'copy users, api key sk-abcdefghijklmnopqrstuvwxyz0123',
      tags: ['owner', 'token=tg-secret-991'],
      tasks: [{ id: 't1', filter: "note = 'password: Zz9-secret'", columns: [{ name: 'password_hash' }] }],
    };
    const masked = redactSpecSecrets(spec);
    expect(JSON.stringify(masked)).not.toMatch(/abcdefghijklmnop|tg-secret-991|Zz9-secret/);
    expect(masked.dag_id).toBe('load_users');
    expect(masked.tasks[0]?.columns[0]?.name).toBe('password_hash');
  });
});

describe('secretValuesIn', () => {
  it('collects the credential-shaped values of a request, so an answer quoting them out of context is masked', () => {
    const request = {
      task_description: 'move events from postgresql://etl:uri-Gea9q_x@10.0.0.5:5432/shop, the password is hunter22',
      spec: { tags: ['ghp_abcdefghijklmnopqrstuvwxyz0123456789'] },
    };
    const values = secretValuesIn(request);
    expect(values).toEqual(
      expect.arrayContaining(['uri-Gea9q_x', 'hunter22', 'ghp_abcdefghijklmnopqrstuvwxyz0123456789']),
    );
    // a fragment cut out of its URI, as a request parser may echo it
    expect(redactSecrets('not understood: //etl uri-Gea9q_x@10.0.0.5 5432/shop', values)).toBe(
      'not understood: //etl ***@10.0.0.5 5432/shop',
    );
    expect(secretValuesIn({ a: 'nothing secret here', n: 3 })).toEqual([]);
  });
});
