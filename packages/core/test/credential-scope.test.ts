import { CredentialScope, originOf } from '../src/credential-scope';

describe('CredentialScope', () => {
  const scope = new CredentialScope('https://api.example.com/v1', ['https://files.example.com']);
  const home = scope.home(undefined);

  it('allows the home origin and the trusted ones, and nothing that only starts like them', () => {
    expect(home).toBe('https://api.example.com');
    for (const url of [
      'https://api.example.com',
      'https://api.example.com/v1/users',
      'https://api.example.com?x=1',
      'https://api.example.com#top',
      'https://API.example.com:443/v1',
      'https://files.example.com/report.pdf',
      '/relative/path',
    ]) {
      expect([url, scope.allows(url, home)]).toEqual([url, true]);
    }
    for (const url of [
      'https://api.example.com.evil.net/x',
      'https://api.example.com@evil.net/x',
      'https://api.example.com:8443/x',
      'http://api.example.com/x',
      'https://evil.net/?https://api.example.com/',
    ]) {
      expect([url, scope.allows(url, home)]).toEqual([url, false]);
    }
  });

  it('originOf: absolute URLs only', () => {
    expect(originOf('https://a.example:8443/x?y')).toBe('https://a.example:8443');
    expect(originOf('/x')).toBeUndefined();
    expect(originOf('x/y')).toBeUndefined();
    expect(originOf(undefined)).toBeUndefined();
    expect(originOf('mailto:someone@example.com')).toBeUndefined();
  });
});
