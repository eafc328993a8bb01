import type { DagServiceDeps } from './dag-service-deps.js';

/**
 * The version a build deploys as: the deployed one again when the spec is unchanged, otherwise the next one after
 * both the history's and the deployed file's.
 */
export async function chooseDagVersion(
  deps: Pick<DagServiceDeps, 'airflow' | 'versions'>,
  { dagId, specHash }: { dagId: string; specHash: string },
): Promise<{ version: number; unchanged: boolean }> {
  const previous = await deps.airflow.deployer.read(dagId);
  const unchanged = previous?.header.specHash === specHash;
  const version = unchanged
    ? (previous?.header.version ?? 1)
    : deps.versions
      ? Math.max(await deps.versions.nextVersion(dagId), (previous?.header.version ?? 0) + 1)
      : (previous?.header.version ?? 0) + 1;
  return { version, unchanged };
}
