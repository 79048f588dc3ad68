import { accountFairDay } from './keap-budget-report.service';

describe('accountFairDay: the Keap usage card sentence', () => {
  const day = { limit: 150_000, msLeft: 3_600_000 };

  it('says nothing is paced while the day quota lasts', () => {
    const fair = accountFairDay({
      ...day,
      projected: 41_200,
      pressure: false,
      share: null,
      account: { usedToday: 120, projected: 400, paced: false, startsWaiting: 0 },
    });
    expect(fair).toMatchObject({ pressure: false, share: null, shareLeft: null, paced: false });
    expect(fair.summary).toBe(
      'At today’s pace, all apps together will use about 41,200 of Keap’s 150,000 calls for the day, so nothing is paced.',
    );
  });

  it('says why campaign starts are paced, with the share and what was used', () => {
    const fair = accountFairDay({
      ...day,
      projected: 180_000,
      pressure: true,
      share: 4000,
      account: { usedToday: 4012, projected: 9000, paced: true, startsWaiting: 12 },
    });
    expect(fair).toMatchObject({ share: 4000, shareLeft: 0, usedToday: 4012, paced: true });
    expect(fair.summary).toBe(
      'Keap’s daily limit for all apps is expected to run out before midnight UTC and your account has used its fair share of it (4,012 of 4,000 calls today), so your campaign starts are paced: they go out only as the day’s limit allows. Replies in running conversations are not slowed. 12 campaign starts are waiting; none are lost.',
    );
  });

  it('tells an account within its share that nothing of its own is slowed', () => {
    const fair = accountFairDay({
      ...day,
      projected: 180_000,
      pressure: true,
      share: 4000,
      account: { usedToday: 300, projected: 900, paced: false, startsWaiting: 0 },
    });
    expect(fair.paced).toBe(false);
    expect(fair.summary).toBe(
      'Keap’s daily limit for all apps is expected to run out before midnight UTC, but your account is within its fair share (300 of 4,000 calls used today), so nothing of yours is slowed.',
    );
  });
});
