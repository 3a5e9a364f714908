import type { FastifyBaseLogger } from 'fastify';
import type { Db } from './db/db.ts';
import type { EventBus } from './events.ts';
import type { Jobs } from './jobs.ts';
import type { Config } from '../config.ts';
import type { BlobStore } from './storage/blob-store.ts';

export type ContactRole = 'member' | 'manager';
export type StaffRole = 'agent' | 'admin';

export type ContactActor = {
  type: 'contact';
  id: string;
  clientId: string;
  role: ContactRole;
  name: string;
  email: string;
};

export type StaffActor = { type: 'staff'; id: string; role: StaffRole; name: string; email: string };

export type Actor = ContactActor | StaffActor;

/** What the process provides to every operation. */
export type Deps = { db: Db; bus: EventBus; log: FastifyBaseLogger; jobs: Jobs; config: Config; files: BlobStore };

/**
 * The explicit request context every operation receives: which workspace (decided by the
 * surface, never by client input), who acts, and from where.
 */
export type Ctx<A extends Actor = Actor> = Deps & {
  workspaceId: string;
  actor: A;
  ip: string;
};

export type PortalCtx = Ctx<ContactActor>;
export type StaffCtx = Ctx<StaffActor>;
