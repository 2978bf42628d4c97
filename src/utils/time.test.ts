import { formatRelativeTime, formatUptime } from './time';

const NOW = Date.parse('2025-01-01T12:00:00Z');
const ago = (seconds: number) => new Date(NOW - seconds * 1000).toISOString();

describe('utils/time', () => {
  describe('formatRelativeTime', () => {
    test.each([
      [0, 'just now'],
      [4, 'just now'],
      [42, '42s ago'],
      [60, '1m ago'],
      [59 * 60 + 59, '59m ago'],
      [3 * 3600 + 5, '3h ago'],
      [2 * 86400 + 10, '2d ago'],
    ])('%ss before now reads %s', (seconds, expected) => {
      expect(formatRelativeTime(ago(seconds), NOW)).toBe(expected);
    });

    test('future timestamps read "in …"', () => {
      expect(formatRelativeTime(ago(-300), NOW)).toBe('in 5m');
    });

    test('missing or invalid timestamps read "unknown"', () => {
      expect(formatRelativeTime(undefined, NOW)).toBe('unknown');
      expect(formatRelativeTime('', NOW)).toBe('unknown');
      expect(formatRelativeTime('not a date', NOW)).toBe('unknown');
    });

    test('defaults to the current time', () => {
      expect(formatRelativeTime(new Date().toISOString())).toBe('just now');
    });
  });

  describe('formatUptime', () => {
    test.each([
      [0, '0s'],
      [45.9, '45s'],
      [192, '3m 12s'],
      [2 * 3600 + 5 * 60 + 7, '2h 5m'],
      [4 * 86400 + 3600 + 59, '4d 1h'],
    ])('%s seconds reads %s', (seconds, expected) => {
      expect(formatUptime(seconds)).toBe(expected);
    });

    test('negative or non-finite input reads "unknown"', () => {
      expect(formatUptime(-1)).toBe('unknown');
      expect(formatUptime(Number.NaN)).toBe('unknown');
      expect(formatUptime(Number.POSITIVE_INFINITY)).toBe('unknown');
    });
  });
});
