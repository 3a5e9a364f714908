import { describe, expect, it } from 'vitest';
import { AuthCache, authChanged, busCache } from './auth-cache.ts';
import { EventBus } from '../events.ts';

describe('remembered sign-ins', () => {
  it('a lookup that started before a clear is not stored', () => {
    const cache = new AuthCache<string>();
    const generation = cache.generation; // a request starts looking up…
    cache.clear('ws-1'); // …a sign-out commits meanwhile…
    cache.set('token', 'ws-1', 'the old session', generation); // …and the stale answer arrives.
    expect(cache.get('token')).toBeUndefined();
    cache.set('token', 'ws-1', 'fresh', cache.generation);
    expect(cache.get('token')).toBe('fresh');
  });

  it("clears one workspace's entries on the bus signal, in every cache listening", () => {
    const bus = new EventBus();
    const [a, b] = [busCache<string>(bus), busCache<string>(bus)];
    for (const c of [a, b]) {
      c.set('x', 'ws-1', 'one', c.generation);
      c.set('y', 'ws-2', 'two', c.generation);
    }
    authChanged(bus, 'ws-1');
    for (const c of [a, b]) {
      expect(c.get('x')).toBeUndefined();
      expect(c.get('y')).toBe('two');
    }
  });

  it('forgets an entry after its lifetime', async () => {
    const cache = new AuthCache<string>(30);
    cache.set('k', 'ws', 'v', cache.generation);
    expect(cache.get('k')).toBe('v');
    await new Promise((r) => setTimeout(r, 40));
    expect(cache.get('k')).toBeUndefined();
    expect(cache.size).toBe(0);
  });
});
