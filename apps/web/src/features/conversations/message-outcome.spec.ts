import { messageOutcome } from './message-outcome';

describe('how the transcript words a message’s outcome', () => {
  it('says a suppressed text was not sent, and why, in words instead of a code', () => {
    const suppressed = (errorCode: string | null) =>
      messageOutcome({ direction: 'out', status: 'suppressed', errorCode });
    expect(suppressed('conversation_ended')).toBe('Not sent: the conversation was ended by hand');
    expect(suppressed('conversation_expired')).toBe(
      'Not sent: the conversation expired before it could go out',
    );
    expect(suppressed('opted_out')).toBe('Not sent: the contact opted out');
    expect(suppressed('invalid_number')).toBe('Not sent: the number cannot receive texts');
    expect(suppressed(null)).toBe('Not sent');
    expect(suppressed('something_new')).toBe('Not sent');
  });

  it('keeps an outbound text’s status, with Twilio’s error code when it failed', () => {
    expect(messageOutcome({ direction: 'out', status: 'delivered', errorCode: null })).toBe(
      'delivered',
    );
    expect(messageOutcome({ direction: 'out', status: 'undelivered', errorCode: '30006' })).toBe(
      'undelivered · error 30006',
    );
    expect(messageOutcome({ direction: 'in', status: 'processed', errorCode: null })).toBeNull();
  });
});
