import {
  classifyKeyword,
  isEmail,
  isReservedKeyword,
  matchesKeyword,
  normaliseKeyword,
  readEmail,
  readNumber,
} from './reply';

describe('reading a number from a reply', () => {
  it.each([
    ['7', 7],
    [' 7 ', 7],
    ['3.5', 3.5],
    ['-2', -2],
    ['+4', 4],
    ['$1,200', 1200],
    ['$ 1,200.50', 1200.5],
    ['-$2', -2],
    ['$-2', -2],
    ['1,234,567', 1234567],
    ['.5', 0.5],
    ['50%', 50],
    ['7.', 7],
    ['€30', 30],
    ['0', 0],
  ])('reads %j as %p', (reply, expected) => {
    expect(readNumber(reply)).toBe(expected);
  });

  it.each([
    'seven',
    '',
    '   ',
    'about 7',
    '7 people',
    '1.5k',
    '3,5',
    '1,20',
    '--2',
    '-$-2',
    '$',
    '1.2.3',
    '12a',
    '1e5',
    'Infinity',
  ])('does not read %j as a number', (reply) => {
    expect(readNumber(reply)).toBeNull();
  });
});

describe('recognising an email in a reply', () => {
  it('accepts a bare address, trimmed', () => {
    expect(readEmail('  jo@example.com ')).toBe('jo@example.com');
  });

  it('finds the one address in a sentence and lower-cases only the domain', () => {
    expect(readEmail('my email is Jo@Example.COM, thanks!')).toBe('Jo@example.com');
  });

  it('accepts the same address written twice', () => {
    expect(readEmail('jo@example.com or JO@example.com')).toBe('jo@example.com');
  });

  it('rejects two different addresses as ambiguous', () => {
    expect(readEmail('jo@example.com or ann@example.com')).toBeNull();
  });

  it.each([
    'jo',
    'jo@',
    'jo@example',
    '@example.com',
    'jo at example dot com',
    'jo@@example.com',
    '',
  ])('rejects %j', (reply) => {
    expect(readEmail(reply)).toBeNull();
  });

  it('accepts plus addressing and subdomains', () => {
    expect(readEmail('jo.smith+sms@mail.example.co.uk')).toBe('jo.smith+sms@mail.example.co.uk');
  });

  it('isEmail wants nothing but the address', () => {
    expect(isEmail(' jo@example.com ')).toBe(true);
    expect(isEmail('my email is jo@example.com')).toBe(false);
  });
});

describe('keywords', () => {
  it('normalises case and whitespace', () => {
    expect(normaliseKeyword('  blue  sky ')).toBe('BLUE SKY');
    expect(matchesKeyword('blue ', 'BLUE')).toBe(true);
    expect(matchesKeyword('bluer', 'BLUE')).toBe(false);
    expect(matchesKeyword('', '')).toBe(false);
    expect(matchesKeyword('blue', null)).toBe(false);
  });

  it.each([
    'STOP',
    'stop',
    ' Stopall ',
    'UNSUBSCRIBE',
    'cancel',
    'END',
    'quit',
    'OPTOUT',
    'revoke',
  ])('classifies %j as opt-out', (word) => {
    expect(classifyKeyword(word)).toBe('opt_out');
  });

  it.each(['START', 'yes', 'Unstop'])('classifies %j as opt-in', (word) => {
    expect(classifyKeyword(word)).toBe('opt_in');
  });

  it.each(['HELP', 'info'])('classifies %j as help', (word) => {
    expect(classifyKeyword(word)).toBe('help');
  });

  it.each(['Stop!', 'STOP.', '“stop”', 'stop 🛑', '  Unsubscribe!!  ', '(cancel)'])(
    'classifies %j as opt-out: punctuation and emoji around the word do not hide it',
    (text) => {
      expect(classifyKeyword(text)).toBe('opt_out');
    },
  );

  it.each(['Yes!', 'start.', 'Help!', 'info?'])(
    'reads %j as Twilio does: START and HELP only as the bare word',
    (text) => {
      expect(classifyKeyword(text)).toBeNull();
    },
  );

  it('leaves other words and sentences alone', () => {
    expect(classifyKeyword('please stop')).toBeNull();
    expect(classifyKeyword('stop-gap')).toBeNull();
    expect(classifyKeyword('non-stop!')).toBeNull();
    expect(classifyKeyword('BLUE')).toBeNull();
    expect(isReservedKeyword('Help')).toBe(true);
    expect(isReservedKeyword('helpful')).toBe(false);
  });
});
