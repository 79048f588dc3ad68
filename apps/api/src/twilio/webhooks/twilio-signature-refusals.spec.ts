import { PerKeyThrottle } from './twilio-signature-refusals';

describe('refused webhooks are recorded at most once a minute per account', () => {
  it('lets an account through once per interval, each account on its own', () => {
    let now = 1_000_000;
    const throttle = new PerKeyThrottle(60_000, () => now);
    expect(throttle.take('account-a')).toBe(true);
    expect(throttle.take('account-a')).toBe(false);
    expect(throttle.take('account-b')).toBe(true);
    now += 59_999;
    expect(throttle.take('account-a')).toBe(false);
    now += 1;
    expect(throttle.take('account-a')).toBe(true);
    expect(throttle.take('account-a')).toBe(false);
    expect(throttle.take('account-b')).toBe(true);
  });
});
