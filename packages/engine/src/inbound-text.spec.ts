import { inboundKeywordClass, optsBackIn } from './inbound-text';

describe('an inbound text', () => {
  it("takes Twilio's opt-out verdict before the words", () => {
    expect(inboundKeywordClass('Please remove me', 'STOP')).toBe('opt_out');
    expect(inboundKeywordClass('Sign me up again', 'START')).toBe('opt_in');
  });

  it('reads the standard words when Twilio gave no verdict', () => {
    expect(inboundKeywordClass(' stop ', null)).toBe('opt_out');
    expect(inboundKeywordClass('Unstop')).toBe('opt_in');
    expect(inboundKeywordClass('HELP', 'HELP')).toBe('help');
    expect(inboundKeywordClass('blue')).toBeNull();
  });

  it('opts back in a number that opted out, or one in no conversation', () => {
    expect(optsBackIn({ optedOut: true, inConversation: true })).toBe(true);
    expect(optsBackIn({ optedOut: true, inConversation: false })).toBe(true);
    expect(optsBackIn({ optedOut: false, inConversation: false })).toBe(true);
  });

  it('takes YES as an answer in a conversation of a number that never opted out', () => {
    expect(optsBackIn({ optedOut: false, inConversation: true })).toBe(false);
  });
});
