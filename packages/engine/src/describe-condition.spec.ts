import { describeCondition } from './describe-condition';
import { between, compareTo, equalsAny } from './testing/builders';

const labels: Record<string, string> = { _Age: 'Age', _Budget: 'Monthly budget' };
const fieldLabel = (key: string) => labels[key];

describe('a condition in words', () => {
  describe('equals any of', () => {
    it('quotes each word as typed, * wildcards included, the last joined by "or"', () => {
      expect(describeCondition(equalsAny(['yes']))).toBe('reply is "yes"');
      expect(describeCondition(equalsAny(['yes', 'y*']))).toBe('reply is "yes" or "y*"');
      expect(describeCondition(equalsAny(['Yes', '*blue*', 'navy']))).toBe(
        'reply is "Yes", "*blue*" or "navy"',
      );
    });

    it('leaves out blank rows (they match nothing) and trims the words', () => {
      expect(describeCondition(equalsAny(['  yes ', '', '   ', 'no']))).toBe(
        'reply is "yes" or "no"',
      );
    });

    it('says so when there are no words yet', () => {
      expect(describeCondition(equalsAny([]))).toBe('reply is (no words yet)');
      expect(describeCondition(equalsAny(['', ' ']))).toBe('reply is (no words yet)');
    });

    it('lists at most maxValues words, then how many more', () => {
      const words = equalsAny(['a', 'b', 'c', 'd', 'e']);
      expect(describeCondition(words, { maxValues: 3 })).toBe('reply is "a", "b", "c" or 2 more');
      expect(describeCondition(words, { maxValues: 5 })).toBe('reply is "a", "b", "c", "d" or "e"');
      expect(describeCondition(equalsAny(['a', 'b']), { maxValues: 0 })).toBe(
        'reply is "a" or 1 more',
      );
    });
  });

  describe('less / greater than (or equal to)', () => {
    it('names each operator against a number typed in', () => {
      expect(describeCondition(compareTo('lt', 18))).toBe('reply is less than 18');
      expect(describeCondition(compareTo('lte', 18))).toBe('reply is at most 18');
      expect(describeCondition(compareTo('gt', 18))).toBe('reply is greater than 18');
      expect(describeCondition(compareTo('gte', 18))).toBe('reply is at least 18');
      expect(describeCondition(compareTo('gte', -2.5))).toBe('reply is at least -2.5');
    });

    it("names a contact field by the lookup's label, else the standard field's label, else the key", () => {
      expect(describeCondition(compareTo('lt', { field: '_Age' }), { fieldLabel })).toBe(
        "reply is less than the contact's Age",
      );
      expect(describeCondition(compareTo('gt', { field: 'Phone1' }), { fieldLabel })).toBe(
        "reply is greater than the contact's Phone 1",
      );
      expect(describeCondition(compareTo('lt', { field: '_Age' }))).toBe(
        "reply is less than the contact's _Age",
      );
      expect(
        describeCondition(compareTo('lt', { field: '_Age' }), { fieldLabel: () => '  ' }),
      ).toBe("reply is less than the contact's _Age");
    });
  });

  describe('between (two inequalities)', () => {
    it('reads an inclusive pair as "between low and high", whichever comes first', () => {
      expect(describeCondition(between(['gte', 1], ['lte', 5]))).toBe('reply is between 1 and 5');
      expect(describeCondition(between(['lte', 5], ['gte', 1]))).toBe('reply is between 1 and 5');
    });

    it('spells out open bounds, low bound first', () => {
      expect(describeCondition(between(['gt', 1], ['lt', 5]))).toBe(
        'reply is greater than 1 and less than 5',
      );
      expect(describeCondition(between(['lt', 5], ['gte', 1]))).toBe(
        'reply is at least 1 and less than 5',
      );
    });

    it('spells out a pair no number satisfies, and two bounds the same way, as they are', () => {
      expect(describeCondition(between(['gte', 10], ['lte', 5]))).toBe(
        'reply is at least 10 and at most 5',
      );
      expect(describeCondition(between(['gte', 1], ['gt', 3]))).toBe(
        'reply is at least 1 and greater than 3',
      );
    });

    it('takes either bound from a contact field', () => {
      expect(
        describeCondition(between(['gte', { field: '_Age' }], ['lte', { field: '_Budget' }]), {
          fieldLabel,
        }),
      ).toBe("reply is between the contact's Age and the contact's Monthly budget");
      expect(
        describeCondition(between(['gt', 0], ['lt', { field: '_Budget' }]), { fieldLabel }),
      ).toBe("reply is greater than 0 and less than the contact's Monthly budget");
    });
  });
});
