import { normalizeSidecarUrl, validateSidecarUrl } from './validation';

describe('utils/validation', () => {
  test.each(['http://localhost:8080', 'https://aidpe.example.com', 'http://sidecar:8080/base/', '  http://10.0.0.1  '])(
    '%s is valid',
    (value) => {
      expect(validateSidecarUrl(value)).toBeUndefined();
    }
  );

  test.each([
    ['', /required/],
    ['   ', /required/],
    ['localhost:8080', /http:\/\/ or https:\/\//],
    ['not a url', /valid URL/],
    ['ftp://files.example.com', /http:\/\/ or https:\/\//],
    ['javascript:alert(1)', /http:\/\/ or https:\/\//],
    ['http://user:pass@sidecar:8080', /credentials/],
    ['http://sidecar:8080/?x=1', /query string/],
    ['http://sidecar:8080/#frag', /query string or fragment/],
  ])('%j is rejected', (value, message) => {
    expect(validateSidecarUrl(value)).toMatch(message);
  });

  test('normalizeSidecarUrl trims whitespace and trailing slashes', () => {
    expect(normalizeSidecarUrl('  http://sidecar:8080/base//  ')).toBe('http://sidecar:8080/base');
    expect(normalizeSidecarUrl('http://localhost:8080')).toBe('http://localhost:8080');
  });
});
