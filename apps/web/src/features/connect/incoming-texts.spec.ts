import { lostTextsSentence, quotedToolNames } from './incoming-texts';

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
