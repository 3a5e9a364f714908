/**
 * Crash points for fault tests: with `FAILPOINT=<name>` (refused in production by the
 * config), the process kills itself with SIGKILL when it reaches that point, exactly as a
 * power cut or OOM kill would, so tests can check what survives a crash between two steps.
 */
export function failpoint(active: string | undefined, name: string): void {
  if (active === name) process.kill(process.pid, 'SIGKILL');
}
