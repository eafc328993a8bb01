/** Types of create-fixtures.mjs, for the TypeScript tests. */
export declare const FIXTURE_SCHEMA: Record<string, Record<string, string[]>>;
export declare function random(seed: number): () => number;
export declare function fixtureColumns(file: string, table: string): string[] | undefined;
export declare function createPlanningFixtures(dir: string): { dir: string; shop: string; events: string };
