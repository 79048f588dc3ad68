import type { RefusedStart } from '../../api/api.types';
import { describeTextedSender, refusedInLastDay } from './refused-starts';

const aRefusedStart = (receivedAt: string): RefusedStart => ({
  id: receivedAt,
  phone: '+14155550177',
  sender: 'phone:+14155550100',
  body: 'BLUE',
  receivedAt,
  code: 'keap_disconnected',
  reason: 'Keap is disconnected, so this text did not start a conversation.',
});

describe('refused keyword starts', () => {
  it('the banner counts only the last 24 hours', () => {
    const now = Date.parse('2026-12-02T12:00:00Z');
    const items = [
      aRefusedStart('2026-12-02T11:59:00Z'),
      aRefusedStart('2026-12-01T12:00:00Z'),
      aRefusedStart('2026-12-01T11:59:59Z'),
    ];
    expect(refusedInLastDay(items, now).map((i) => i.receivedAt)).toEqual([
      '2026-12-02T11:59:00Z',
      '2026-12-01T12:00:00Z',
    ]);
  });

  it('names the sender texted as a marketer knows it', () => {
    expect(describeTextedSender('phone:+14155550100')).toBe('+14155550100');
    expect(describeTextedSender('service:MG00000000000000000000000000000001')).toBe(
      'messaging service MG00000000000000000000000000000001',
    );
  });
});
