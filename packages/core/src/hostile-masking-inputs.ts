/**
 * Texts built to make a backtracking secret-masking pattern take quadratic time (or worse), each `size` characters
 * long: runs of every trigger the masking looks for, with the rest of a match missing. The masking test and the
 * masking benchmark (scripts/bench/masking-bench.mjs) both use them.
 */
export function hostileMaskingInputs(size: number): Record<string, string> {
  const fill = (unit: string, head = '', tail = '') => head + unit.repeat(Math.ceil(size / unit.length)) + tail;
  return {
    'plain letters': fill('a'),
    'spaces after a key': fill(' ', 'password'),
    'key= runs': fill('password='),
    'key: " runs': fill('password:"'),
    'key is runs': fill('the token is '),
    'one long key name': fill('tokensecret_'),
    'comma lists after a key': fill('a,', 'password='),
    'Korean keys': fill('비밀번호는 '),
    'Korean key runs': fill('암호'),
    'eyJ runs': fill('eyJ'),
    'JWT without a last part': fill('eyJa.'),
    'scheme:// without @': fill('a://b:c'),
    ':// runs': fill('://'),
    'userinfo runs': fill('x://a:b@'),
    'BEGIN without a header end': fill('-----BEGIN '),
    'private key headers': fill('-----BEGIN PRIVATE KEY-----'),
    'Bearer runs': fill('Bearer '),
    'AKIA runs': fill('AKIA'),
    'sk- runs': fill('sk-'),
    'ghp_ runs': fill('ghp_'),
    'base64 run': fill('A1b/'),
    'hooks runs': fill('hooks.slack.com/services/'),
    'every trigger mixed': fill(
      'password=x pw: "a token is eyJa. ://u:p Bearer AKIA sk- 비밀번호는 -----BEGIN xoxb- AIza a,b;c&d ',
    ),
  };
}
