import { insertToken } from './insert-token';

const TOKEN = '~Contact.FirstName~';

describe('putting a merge field into a message', () => {
  it('puts a space after a sentence it follows (the "to stop.Pat" screenshot)', () => {
    const text = 'Text STOP to stop.';
    expect(insertToken(text, text.length, text.length, TOKEN)).toEqual({
      text: `Text STOP to stop. ${TOKEN}`,
      caret: text.length + 1 + TOKEN.length,
    });
  });

  it('adds no second space after one already there, nor before punctuation', () => {
    expect(insertToken('Hi !', 3, 3, TOKEN).text).toBe(`Hi ${TOKEN}!`);
    expect(insertToken('Hi ', 3, 3, TOKEN).text).toBe(`Hi ${TOKEN}`);
    expect(insertToken('', 0, 0, TOKEN)).toEqual({ text: TOKEN, caret: TOKEN.length });
  });

  it('keeps words apart on both sides when put in the middle of a word run', () => {
    expect(insertToken('HelloThere', 5, 5, TOKEN)).toEqual({
      text: `Hello ${TOKEN} There`,
      caret: 6 + TOKEN.length,
    });
  });

  it('replaces the selection, and sits inside brackets and quotes without spaces', () => {
    expect(insertToken('Hi NAME, welcome', 3, 7, TOKEN).text).toBe(`Hi ${TOKEN}, welcome`);
    expect(insertToken('Hi ()', 4, 4, TOKEN).text).toBe(`Hi (${TOKEN})`);
  });
});
