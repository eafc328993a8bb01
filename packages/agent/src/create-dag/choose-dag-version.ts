import type { DagServiceDeps } from './dag-service-deps.js';

/**
 * The version a build deploys as: the deployed one again when the spec is unchanged, otherwise the next one after
 * both the history's and the deployed file's. An unchanged spec keeps the deployed file itself when this generator
 * wrote it (`deployedSource`), so building the same spec again changes nothing, not even the default start date.
 */
export async function chooseDagVersion(
  deps: Pick<DagServiceDeps, 'airflow' | 'versions' | 'generatorVersion'>,
  { dagId, specHash }: { dagId: string; specHash: string },
): Promise<{ version: number; unchanged: boolean; deployedSource?: string }> {
  const previous = await deps.airflow.deployer.read(dagId);
  const unchanged = previous?.header.specHash === specHash;
  const version = unchanged
    ? (previous?.header.version ?? 1)
    : deps.versions
      ? Math.max(await deps.versions.nextVersion(dagId), (previous?.header.version ?? 0) + 1)
      : (previous?.header.version ?? 0) + 1;
  const keep = unchanged && previous?.header.generator === deps.generatorVersion;
  return { version, unchanged, ...(keep ? { deployedSource: previous.source } : {}) };
}
