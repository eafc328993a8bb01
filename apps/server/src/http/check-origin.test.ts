import { describe, expect, it } from 'vitest';
import { checkHostAndOrigin } from './check-origin.js';

const policy = { allowedHosts: [], allowedOrigins: ['http://localhost', 'https://app.example.com:8443'] };

describe('checkHostAndOrigin', () => {
  it('accepts loopback hosts on any port and no Origin', () => {
    for (const host of ['localhost:3000', '127.0.0.1:1234', '[::1]:3000', 'localhost']) {
      expect(checkHostAndOrigin(host, undefined, policy)).toBeUndefined();
    }
  });
  it('refuses foreign hosts unless allowed', () => {
    expect(checkHostAndOrigin('evil.example.com', undefined, policy)).toMatch(/Invalid Host: evil\.example\.com/);
    expect(checkHostAndOrigin('mcp.corp', undefined, { ...policy, allowedHosts: ['mcp.corp'] })).toBeUndefined();
    expect(checkHostAndOrigin('anything', undefined, { ...policy, allowedHosts: ['*'] })).toBeUndefined();
    expect(checkHostAndOrigin(undefined, undefined, policy)).toMatch(/Missing/);
  });
  it('matches origins by scheme and host, with a port only when the entry names one', () => {
    expect(checkHostAndOrigin('localhost', 'http://localhost:5173', policy)).toBeUndefined();
    expect(checkHostAndOrigin('localhost', 'https://localhost:5173', policy)).toMatch(/Origin not allowed/);
    expect(checkHostAndOrigin('localhost', 'https://app.example.com:8443', policy)).toBeUndefined();
    expect(checkHostAndOrigin('localhost', 'https://app.example.com', policy)).toMatch(/Origin not allowed/);
    expect(checkHostAndOrigin('localhost', 'null', policy)).toMatch(/Invalid Origin/);
  });
});
