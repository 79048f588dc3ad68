import { fetchedBackSentence, lostTextsSentence, quotedToolNames } from './incoming-texts';

const tools = (...names: string[]) => names.map((name, i) => ({ id: `t${i}`, name }));

describe('where a sender’s texts go', () => {
  it('names the tools that cannot hear their contacts, as a marketer reads them', () => {
    expect(lostTextsSentence('number', { usedBy: tools('Colour') })).toBe(
      "Texts to this number go elsewhere, so 'Colour' cannot hear its contacts.",
    );
    expect(lostTextsSentence('number', { usedBy: tools('Colour', 'Deal') })).toBe(
      "Texts to this number go elsewhere, so 'Colour' and 'Deal' cannot hear their contacts.",
    );
    expect(lostTextsSentence('service', { usedBy: tools('Quiz') })).toBe(
      "Texts to this messaging service’s numbers go elsewhere, so 'Quiz' cannot hear its contacts.",
    );
  });

  it('lists three or more tools with commas and a final "and"', () => {
    expect(quotedToolNames(tools('A', 'B', 'C'))).toBe("'A', 'B' and 'C'");
    expect(quotedToolNames(tools())).toBe('');
  });
});

describe('what "Point it back" fetched back', () => {
  it('counts the texts that went elsewhere meanwhile, and says nothing when none did', () => {
    expect(fetchedBackSentence({ fetchedBack: 3, fetchBackFailed: false })).toBe(
      '3 texts that went elsewhere meanwhile were fetched back.',
    );
    expect(fetchedBackSentence({ fetchedBack: 1, fetchBackFailed: false })).toBe(
      '1 text that went elsewhere meanwhile was fetched back.',
    );
    expect(fetchedBackSentence({ fetchedBack: 1200, fetchBackFailed: false })).toBe(
      '1,200 texts that went elsewhere meanwhile were fetched back.',
    );
    expect(fetchedBackSentence({ fetchedBack: 0, fetchBackFailed: false })).toBeNull();
  });

  it('says plainly when Twilio could not give them back', () => {
    expect(fetchedBackSentence({ fetchedBack: 0, fetchBackFailed: true })).toBe(
      'The texts that went elsewhere meanwhile could not be fetched back from Twilio, so they will not be answered. Twilio’s messaging logs still have them.',
    );
  });
});
