import fc from 'fast-check';
import {
  conditionMatches,
  decide,
  normaliseForMatch,
  readForMatch,
  readPatternForMatch,
} from './conditions';
import { decideReach, reservedReplyClass } from './reach';
import { simulate } from './simulator';
import type { Condition } from './tool.schema';
import { aTool, compareTo, decideBy, equalsAny, finish } from './testing/builders';

/**
 * Replies as contacts type them: the word a marketer listed, in any case, with spaces, punctuation,
 * emoji and typographic quotes around it, in any mix.
 */

const LETTERS = [...'abcdefghijklmnopqrstuvwxyzéñøü'];
const word = fc
  .array(fc.constantFrom(...LETTERS), { minLength: 1, maxLength: 6 })
  .map((letters) => letters.join(''));
/** One to three words, inside which an apostrophe may be typed straight or curly. */
const phrase = fc.array(word, { minLength: 1, maxLength: 3 }).map((words) => words.join(' '));

const DECORATIONS = [
  ' ',
  '  ',
  '\t',
  '!',
  '!!',
  '?',
  '¿',
  '¡',
  '.',
  '...',
  '…',
  ',',
  ':)',
  '"',
  '“',
  '”',
  "'",
  '‘',
  '’',
  '*',
  '(',
  ')',
  '-',
  '~',
  '#',
  '👍',
  '👍🏽',
  '🙂',
  '❤️',
  '🎉',
  '👨‍👩‍👧',
  '🇺🇸',
];
const decoration = fc
  .array(fc.constantFrom(...DECORATIONS), { maxLength: 4 })
  .map((parts) => parts.join(''));

/** Each letter in upper or lower case, as typed (or auto-capitalised) on a phone. */
const anyCase = (text: string) =>
  fc
    .array(fc.boolean(), { minLength: text.length, maxLength: text.length })
    .map((upper) => [...text].map((ch, i) => (upper[i] ? ch.toUpperCase() : ch)).join(''));

/** `text` as a contact might send it: any case, decorated before and after. */
const typed = (text: string) =>
  fc
    .tuple(decoration, anyCase(text), decoration)
    .map(([before, body, after]) => `${before}${body}${after}`);

/** Decoration a marketer may type around a listed word (a `*` would make it a wildcard). */
const listedDecoration = decoration.filter((text) => !text.includes('*'));

const wordAndReply = phrase.chain((listed) => typed(listed).map((reply) => ({ listed, reply })));

/** Words listed on conditions: plain, wildcards, decorated, reserved, numbers, blanks. */
const pattern = fc
  .tuple(
    fc.constantFrom('', '*'),
    fc.constantFrom('', '"', '“', '!', '?', '👍', '-'),
    fc.constantFrom('', 'yes', 'no', 'stop', '7', 'a b'),
    fc.constantFrom('', '"', '”', '!', '?', '.', '👍', '%'),
    fc.constantFrom('', '*'),
  )
  .map((parts) => parts.join(''));
const conditionsArb = fc.array(
  fc.array(pattern, { minLength: 1, maxLength: 3 }).map((values) => equalsAny(values)),
  { minLength: 1, maxLength: 4 },
);

describe('reading replies as a person does (generated replies)', () => {
  it('takes the listed words however they are decorated, and so do wildcards around them', () => {
    fc.assert(
      fc.property(wordAndReply, listedDecoration, ({ listed, reply }, extra) => {
        expect(conditionMatches(equalsAny([listed]), reply, {})).toBe(true);
        // The marketer's own decoration of the word changes nothing either.
        expect(conditionMatches(equalsAny([`${extra}${listed}${extra}`]), reply, {})).toBe(true);
        expect(conditionMatches(equalsAny([`*${listed}*`]), `well, ${reply} then`, {})).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it('never takes other words, however they are decorated', () => {
    fc.assert(
      fc.property(phrase, wordAndReply, (listed, { listed: other, reply }) => {
        fc.pre(listed !== other);
        expect(conditionMatches(equalsAny([listed]), reply, {})).toBe(false);
        // A word inside a longer reply is not the reply, unless a wildcard says so.
        expect(conditionMatches(equalsAny([listed]), `${reply} ${listed}`, {})).toBe(false);
      }),
      { numRuns: 3000 },
    );
  });

  it('reads a reply already read the same way again', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 12 }), (reply) => {
        const read = normaliseForMatch(reply);
        expect(normaliseForMatch(read)).toBe(read);
      }),
      { numRuns: 3000 },
    );
  });

  it('the simulator takes the branch the runtime takes, for any reply', () => {
    const conditions: Condition[] = [
      equalsAny(['no', 'nope'], { id: 'no' }),
      equalsAny(['*yes*'], { id: 'yes' }),
      equalsAny(['*?'], { id: 'question' }),
      equalsAny(['👍'], { id: 'thumb' }),
      compareTo('gt', 5, { id: 'many' }),
    ];
    const next = decideBy(conditions);
    const tool = aTool()
      .httpOnly()
      .withStep('ask', { message: 'Coming? Text STOP to stop.', next })
      .withStep('end', { message: 'Thanks.', next: finish() })
      .build();
    const reply = fc.oneof(
      fc.constantFrom('no', 'nope', 'yes', 'why', '7', '👍').chain(typed),
      fc.string({ unit: 'grapheme', maxLength: 10 }),
    );
    fc.assert(
      fc.property(reply, (text) => {
        fc.pre(reservedReplyClass(text) === null);
        const turn = simulate(tool, { start: 'http_post', inputs: [text] }).turns[1]!;
        const decision = decide(next, text, {});
        expect(turn.matched).toEqual(
          decision.kind === 'fallback'
            ? 'fallback'
            : { conditionId: decision.condition.id, conditionIndex: decision.index },
        );
      }),
      { numRuns: 2000 },
    );
  });

  it('validation never calls a branch dead that a reply takes', () => {
    // Replies made from the listed words (wildcards filled in, decorated) or anything at all.
    const toolAndReply = conditionsArb.chain((conditions) => {
      const listed = conditions.flatMap((c) => (c.kind === 'equals_any' ? c.values : []));
      const fromWords = fc
        .tuple(fc.constantFrom(...listed), fc.constantFrom('', 'x', 'so '))
        .chain(([value, filler]) => typed(value.replace(/\*/g, filler)));
      const reply = fc.oneof(
        { weight: 3, arbitrary: fromWords },
        { weight: 1, arbitrary: fc.constantFrom('yes', 'no', '7', '-7', '?', '👍').chain(typed) },
        { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 6 }) },
      );
      return reply.map((text) => ({ conditions, text }));
    });
    let taken = 0;
    fc.assert(
      fc.property(toolAndReply, ({ conditions, text }) => {
        // Opt-out and help words are left out on purpose, also decorated ("Stop!"): validation
        // does not count them as a way a contact takes.
        fc.pre(reservedReplyClass(readForMatch(text).bare) === null);
        const next = decideBy(conditions);
        const reach = decideReach(next);
        const decision = decide(next, text, {});
        if (decision.kind === 'fallback') {
          expect(reach.fallback).not.toBe('never');
        } else {
          taken++;
          expect(reach.conditions[decision.index]?.reach).not.toBe('never');
        }
      }),
      { numRuns: 5000 },
    );
    expect(taken).toBeGreaterThan(500);
  });

  it('and every branch validation calls live, some reply takes', () => {
    let live = 0;
    fc.assert(
      fc.property(conditionsArb, (conditions) => {
        const next = decideBy(conditions);
        const reach = decideReach(next);
        // The listed words, as typed and without their decoration ("👍7" is met by "7"), with
        // wildcards filled with nothing, a letter or an unused sign.
        const replies = conditions
          .flatMap((c) => (c.kind === 'equals_any' ? c.values : []))
          .flatMap((value) => [value, readPatternForMatch(value).bare])
          .flatMap((value) => ['', 'x', '\u{e000}'].map((fill) => value.replace(/\*/g, fill)))
          .filter((text) => reservedReplyClass(text) === null);
        const takenBySome = new Set(
          replies
            .map((text) => decide(next, text, {}))
            .map((d) => (d.kind === 'matched' ? d.index : -1)),
        );
        reach.conditions.forEach(({ reach: r }, index) => {
          if (r !== 'always') return;
          live++;
          expect(takenBySome.has(index)).toBe(true);
        });
      }),
      { numRuns: 3000 },
    );
    expect(live).toBeGreaterThan(1000);
  });
});
