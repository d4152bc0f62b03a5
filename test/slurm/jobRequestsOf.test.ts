import { jobRequestsOf } from './jobRequestsOf';

describe('jobRequestsOf', () => {
  const rows = [
    { wall_ms: '2500', peak_rss_mib: '510' },
    { wall_ms: '151348', peak_rss_mib: '638' },
    { wall_ms: '3700', peak_rss_mib: '528' },
  ];

  it('asks for the largest peak plus a quarter in 256 MiB steps, and twice the slowest case per case plus a minute', () => {
    expect(jobRequestsOf(rows, 2)).toEqual({
      cases: 3,
      wallSeconds: { median: 3.7, max: 151.348 },
      peakRssMib: { median: 528, max: 638 },
      memoryMib: 1024, // 638 × 1.25 = 797.5
      timeMinutes: 12, // (2 × 151.3 × 2 + 60) s = 665 s
    });
  });

  it('refuses a summary without the figures (an older version, a failed case)', () => {
    expect(() => jobRequestsOf([...rows, { wall_ms: '', peak_rss_mib: '500' }], 2)).toThrow(
      "The summary's wall_ms column must hold a positive number in every row.",
    );
  });
});
