import { estimateSendCost, messageSmsFacts, smsFacts } from './sms';
import { aContact } from './testing/builders';

describe('SMS facts', () => {
  it.each([
    ['a'.repeat(160), 'GSM-7', 1],
    ['a'.repeat(161), 'GSM-7', 2],
    ['a'.repeat(306), 'GSM-7', 2],
    ['a'.repeat(307), 'GSM-7', 3],
    ['ж'.repeat(70), 'UCS-2', 1],
    ['ж'.repeat(71), 'UCS-2', 2],
    ['ж'.repeat(134), 'UCS-2', 2],
    ['ж'.repeat(135), 'UCS-2', 3],
  ])('%#: a message of %j chars is %s in %i segment(s)', (body, encoding, segments) => {
    const facts = smsFacts(body);
    expect(facts.encoding).toBe(encoding);
    expect(facts.segments).toBe(segments);
  });

  it('counts GSM-7 extension characters twice', () => {
    expect(smsFacts('€').units).toBe(2);
    expect(smsFacts('{').units).toBe(2);
    expect(smsFacts('€'.repeat(80)).segments).toBe(1);
    expect(smsFacts('€'.repeat(81)).segments).toBe(2);
    expect(smsFacts('a'.repeat(159) + '€')).toMatchObject({
      encoding: 'GSM-7',
      segments: 2,
      units: 161,
      characters: 160,
    });
  });

  it('keeps GSM-7 for accented letters of the GSM alphabet', () => {
    expect(smsFacts('Café à Zürich? É').encoding).toBe('GSM-7');
    expect(smsFacts('Noël').encoding).toBe('UCS-2');
  });

  it('switches to UCS-2 for emoji and names the characters that caused it', () => {
    const facts = smsFacts('Thanks! 😀');
    expect(facts.encoding).toBe('UCS-2');
    expect(facts.nonGsmCharacters).toEqual(['😀']);
    expect(facts.characters).toBe(9);
    expect(smsFacts('😀'.repeat(35)).segments).toBe(1);
    expect(smsFacts('😀'.repeat(36)).segments).toBe(2);
  });

  it('reports the capacity per segment', () => {
    expect(smsFacts('hi').unitsPerSegment).toBe(160);
    expect(smsFacts('a'.repeat(200)).unitsPerSegment).toBe(153);
    expect(smsFacts('ж'.repeat(80)).unitsPerSegment).toBe(67);
  });

  it('has no segments for an empty body', () => {
    expect(smsFacts('').segments).toBe(0);
  });

  it('estimates the cost per segment, and a flat price for MMS', () => {
    const prices = { perSegment: 0.0079, perMms: 0.02 };
    expect(estimateSendCost('a'.repeat(307), 0, prices)).toEqual({
      kind: 'sms',
      billedUnits: 3,
      cost: 0.0237,
    });
    expect(estimateSendCost('a'.repeat(1000), 2, prices)).toEqual({
      kind: 'mms',
      billedUnits: 1,
      cost: 0.02,
    });
  });

  describe('for a message with merge fields', () => {
    const message = `${'a'.repeat(150)} ~Contact.FirstName~`;

    it('counts the text the contact gets, not the token', () => {
      // As written the token's tildes alone push it past one segment.
      expect(smsFacts(message).segments).toBe(2);
      expect(messageSmsFacts(message, null)).toMatchObject({
        body: 'a'.repeat(150),
        characters: 150,
        segments: 1,
      });
      expect(messageSmsFacts(message, aContact({ FirstName: 'Jo' }))).toMatchObject({
        characters: 153,
        segments: 1,
      });
      expect(messageSmsFacts(message, aContact({ FirstName: 'Alexandrina' })).segments).toBe(2);
    });

    it('counts a fallback, and the encoding a value brings', () => {
      expect(messageSmsFacts('Hi ~Contact.FirstName|there~!', null)).toMatchObject({
        body: 'Hi there!',
        characters: 9,
      });
      expect(
        messageSmsFacts('Hi ~Contact.FirstName~!', aContact({ FirstName: 'Zoë' })),
      ).toMatchObject({ encoding: 'UCS-2', nonGsmCharacters: ['ë'] });
    });
  });
});
