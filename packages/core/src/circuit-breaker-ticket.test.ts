import { describe, expect, it } from 'vitest';
import { type BreakerTicket, CircuitBreaker, reportTicket } from './circuit-breaker.js';
import { FakeClock } from './clock.js';

describe('breaker tickets', () => {
  it('have bound methods that report once, whichever way they are called', () => {
    const breaker = new CircuitBreaker({ clock: new FakeClock(), consecutiveFailures: 2 });
    const ticket = breaker.acquire();
    const { failure } = ticket;
    expect(ticket.failure).toBe(failure);
    failure();
    ticket.failure();
    ticket.success();
    expect(breaker.snapshot().consecutiveFailures).toBe(1);
    const next = breaker.acquire();
    const callLater = next.failure;
    callLater();
    expect(breaker.state).toBe('open');
  });

  it('are reported by the pipeline without their methods, first report winning', () => {
    const breaker = new CircuitBreaker({ clock: new FakeClock(), consecutiveFailures: 1 });
    const ticket = breaker.acquire();
    reportTicket(ticket, 'ignore');
    reportTicket(ticket, 'failure');
    expect(breaker.state).toBe('closed');
    reportTicket(breaker.acquire(), 'failure');
    expect(breaker.state).toBe('open');
  });

  it('reports through the methods of a ticket made elsewhere', () => {
    const seen: string[] = [];
    const foreign: BreakerTicket = {
      success: () => seen.push('success'),
      failure: () => seen.push('failure'),
      ignore: () => seen.push('ignore'),
    };
    reportTicket(foreign, 'failure');
    reportTicket(foreign, 'ignore');
    expect(seen).toEqual(['failure', 'ignore']);
  });
});
