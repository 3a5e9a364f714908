import type { ZodType } from 'zod';
import { AppError } from '../errors.ts';

/** Which app a route belongs to. The tenant is derived from the surface, never from input. */
export type RouteSurface = 'public' | 'portal' | 'staff';
/**
 * Who may call a route: anyone, a signed-in contact, any staff member, a staff admin; the
 * `…-mfa` levels also admit a session still waiting for its second factor (the MFA routes).
 */
export type RouteAccess = 'anyone' | 'contact' | 'contact-mfa' | 'staff' | 'staff-mfa' | 'admin';

declare module 'fastify' {
  interface FastifyContextConfig {
    surface?: RouteSurface;
    access?: RouteAccess;
    /**
     * `keep`: this mutation never changes sessions, people or workspace settings, so it
     * leaves the cached sign-ins alone (see platform/auth/auth-cache.ts). Any other
     * successful mutation clears its workspace's.
     */
    authCache?: 'keep';
  }
}

/** Route options declaring surface and access; every route must carry one (checked at boot). */
export const declare = <E extends object = object>(surface: RouteSurface, access: RouteAccess, extra?: E) =>
  ({ config: { surface, access, ...extra } }) as const;



/** Extra route options for a mutation that never changes sessions, people or workspace settings. */
export const KEEPS_AUTH = { authCache: 'keep' } as const;

/** Parses input with a zod schema; any problem becomes a 400 listing each offending field. */
export function parse<T>(schema: ZodType<T>, input: unknown): T {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  throw new AppError('validation_failed', {
    fields: result.error.issues.map((i) => ({ field: i.path.join('.') || '(body)', message: i.message })),
  });
}

/** A resource id from the path: anything that is not a UUID is simply not found. */
export function idParam(params: unknown): string {
  const id = (params as { id?: unknown }).id;
  if (typeof id !== 'string' || !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) {
    throw new AppError('not_found');
  }
  return id;
}

export const isMutation = (method: string) => !['GET', 'HEAD', 'OPTIONS'].includes(method);
