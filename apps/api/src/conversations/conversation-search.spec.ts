import { readConversationSearch } from './conversation-search';

describe('readConversationSearch', () => {
  it.each([
    ['(720) 555-7707', '7205557707'],
    ['720-555-7707', '7205557707'],
    ['720.555.7707', '7205557707'],
    ['+1 720 555 7707', '17205557707'],
    ['17205557707', '17205557707'],
    ['+17205557707', '17205557707'],
    ['555-7707', '5557707'],
    ['  7707 ', '7707'],
  ])('reads %j as a phone search on the digits %s', (q, digits) => {
    expect(readConversationSearch(q)).toEqual({
      text: q.trim(),
      phoneDigits: digits,
      nameWords: [],
    });
  });

  it.each([
    ['Pat', ['Pat']],
    ['pat lovelace', ['pat', 'lovelace']],
    ['Lovelace,  Pat', ['Lovelace', 'Pat']],
    ["O'Brien", ["O'Brien"]],
  ])('reads %j as a name search on its words', (q, words) => {
    expect(readConversationSearch(q)).toEqual({ text: q, phoneDigits: null, nameWords: words });
  });

  it('reads digits mixed with letters (a text or an order number) as no phone search', () => {
    expect(readConversationSearch('order 42').phoneDigits).toBeNull();
  });

  it('reads punctuation without digits as no phone search', () => {
    expect(readConversationSearch('-- ()').phoneDigits).toBeNull();
  });
});
