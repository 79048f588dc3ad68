import { describeSender } from './describe-sender';

describe("a tool's sender in the tools list", () => {
  it('names a number, a messaging service, or that none is chosen yet', () => {
    expect(describeSender({ kind: 'phone_number', phoneNumber: '+14155550100' })).toBe(
      '+14155550100',
    );
    expect(
      describeSender({
        kind: 'messaging_service',
        messagingServiceSid: 'MG00000000000000000000000000000001',
      }),
    ).toBe('Messaging service MG00000000000000000000000000000001');
    expect(describeSender(null)).toBe('Not chosen');
  });
});
