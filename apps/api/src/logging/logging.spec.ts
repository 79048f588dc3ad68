import { redactUrl } from './logging.module';

describe('redactUrl', () => {
  it('hides the secret of a tool URL and keeps the tool id', () => {
    expect(redactUrl('/hooks/tools/3f2a/abcdefSECRET?step=intro')).toBe(
      '/hooks/tools/3f2a/[secret]?step=intro',
    );
  });

  it('hides OAuth codes and state in query strings', () => {
    expect(redactUrl('/api/keap/callback?code=CODE123&state=STATE456')).toBe(
      '/api/keap/callback?code=[redacted]&state=[redacted]',
    );
  });

  it('leaves ordinary URLs alone', () => {
    expect(redactUrl('/api/tools?status=draft')).toBe('/api/tools?status=draft');
  });
});
