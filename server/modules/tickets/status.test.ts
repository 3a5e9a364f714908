import { describe, expect, it } from 'vitest';
import { AppError } from '../../platform/errors.ts';
import { assertTransition, canTransition, nextStatuses, STATUSES, statusAfterReply } from './status.ts';

describe('ticket status state machine', () => {
  it('allows exactly these moves', () => {
    const table = Object.fromEntries(STATUSES.map((s) => [s, [...nextStatuses(s)]]));
    expect(table).toEqual({
      new: ['open', 'pending', 'on_hold', 'solved', 'closed'],
      open: ['pending', 'on_hold', 'solved', 'closed'],
      pending: ['open', 'on_hold', 'solved', 'closed'],
      on_hold: ['open', 'pending', 'solved', 'closed'],
      solved: ['open', 'closed'],
      closed: [],
    });
  });

  it('never moves back to new and never leaves closed', () => {
    for (const s of STATUSES) {
      expect(canTransition(s, 'new')).toBe(false);
      expect(canTransition('closed', s)).toBe(false);
    }
  });

  it('refuses an invalid move with a stable code and the allowed targets', () => {
    try {
      assertTransition('solved', 'pending');
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).code).toBe('invalid_status_transition');
      expect((err as AppError).details).toEqual({ from: 'solved', to: 'pending', allowed: ['open', 'closed'] });
    }
    expect(() => assertTransition('closed', 'open')).toThrow(expect.objectContaining({ code: 'ticket_closed' }));
  });

  it('reopens on a customer reply and opens on the first staff reply', () => {
    expect(statusAfterReply('pending', 'contact')).toBe('open');
    expect(statusAfterReply('solved', 'contact')).toBe('open');
    expect(statusAfterReply('on_hold', 'contact')).toBe('open');
    expect(statusAfterReply('new', 'contact')).toBe('new');
    expect(statusAfterReply('new', 'staff')).toBe('open');
    expect(statusAfterReply('pending', 'staff')).toBe('pending');
    expect(() => statusAfterReply('closed', 'contact')).toThrow(expect.objectContaining({ code: 'ticket_closed' }));
  });
});
