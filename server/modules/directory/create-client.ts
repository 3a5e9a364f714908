import type { StaffCtx } from '../../platform/context.ts';
import { mutate } from '../../platform/events.ts';

/** An admin adds a client company to the workspace. */
export async function createClient(ctx: StaffCtx, name: string): Promise<{ id: string }> {
  return mutate(ctx, async (tx, record) => {
    const [row] = await tx.query<{ id: string }>(
      'insert into clients (workspace_id, name) values ($1, $2) returning id',
      [ctx.workspaceId, name],
    );
    await record({ type: 'client.created', payload: { clientId: row!.id, name } });
    return row!;
  });
}
