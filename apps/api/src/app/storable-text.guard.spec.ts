import { unstorableText } from './storable-text.guard';

describe('text PostgreSQL cannot store, found anywhere in a request’s input', () => {
  it('finds a NUL or a lone surrogate in a value or a key, and says where', () => {
    expect(unstorableText({ a: [{ b: 'x\u0000' }] }, 'body')).toEqual({ at: 'a.0.b', nul: true });
    expect(unstorableText({ 'k\u0000': 1 }, 'body')).toEqual({ at: 'k\\u0000', nul: true });
    expect(unstorableText({ q: 'pat \uD800' }, 'query')).toEqual({ at: 'q', nul: false });
    expect(unstorableText('\uDC00 alone', 'body')).toEqual({ at: 'body', nul: false });
  });

  it('takes any other text, emoji (surrogate pairs) included', () => {
    expect(unstorableText({ name: 'Survey 😀', steps: [1, null, true] }, 'body')).toBeNull();
    expect(unstorableText(undefined, 'body')).toBeNull();
  });

  it('walks a body nested deeper than the call stack would allow', () => {
    let deep: unknown = 'end\u0000';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(unstorableText(deep, 'body')?.nul).toBe(true);
  });
});
