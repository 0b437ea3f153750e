import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../src/domain/errors.js';
import { beijingToday, parseLocalDate } from '../../../src/domain/local-date.js';

describe('parseLocalDate', () => {
  it('accepts real calendar dates', () => {
    expect(parseLocalDate('2024-02-29', 'from')).toBe('2024-02-29');
  });

  it.each(['2023-02-29', '2026-13-01', '2026-1-01', '20260101', '', '2026-01-01T00:00:00Z'])('rejects %j with a ValidationError naming the field', (text) => {
    try {
      parseLocalDate(text, 'filter.to');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).field).toBe('filter.to');
    }
  });
});

describe('beijingToday', () => {
  it('rolls over at 16:00 UTC (midnight in Beijing)', () => {
    expect(beijingToday(new Date('2026-11-22T15:59:59Z'))).toBe('2026-11-22');
    expect(beijingToday(new Date('2026-11-22T16:00:00Z'))).toBe('2026-11-23');
  });
});
