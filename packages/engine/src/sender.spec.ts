import { senderInWords, inboundSenderKey, parseSenderKey, senderKey } from './sender';

describe('sender keys', () => {
  it('encodes a number and a messaging service, and decodes them back', () => {
    const number = { kind: 'phone_number', phoneNumber: '+14155550100' } as const;
    const service = { kind: 'messaging_service', messagingServiceSid: 'MG123' } as const;
    expect(senderKey(number)).toBe('phone:+14155550100');
    expect(senderKey(service)).toBe('service:MG123');
    expect(parseSenderKey(senderKey(number))).toEqual(number);
    expect(parseSenderKey(senderKey(service))).toEqual(service);
  });

  it('keys an inbound text by its messaging service when it names one', () => {
    expect(inboundSenderKey('+14155550100', 'MG9')).toBe('service:MG9');
    expect(inboundSenderKey('+14155550100', null)).toBe('phone:+14155550100');
    expect(inboundSenderKey('+14155550100')).toBe('phone:+14155550100');
  });

  it('refuses strings that are not sender keys', () => {
    expect(parseSenderKey('+14155550100')).toBeNull();
    expect(parseSenderKey('phone:')).toBeNull();
    expect(parseSenderKey('number:+1415')).toBeNull();
  });

  it('says a sender in words', () => {
    expect(senderInWords({ kind: 'phone_number', phoneNumber: '+14155550100' })).toBe(
      '+14155550100',
    );
    expect(senderInWords({ kind: 'messaging_service', messagingServiceSid: 'MG1' })).toBe(
      'messaging service MG1',
    );
  });
});
