/** Types of canonical-expression.mjs, for the TypeScript tests. */
import type { ExprNode } from '@airflow-mcp/pipeline';

export declare function canonicalExpression(node: ExprNode, booleanColumns?: Set<string>): unknown;
export declare function canonicalCondition(node: ExprNode, booleanColumns?: Set<string>): unknown;
export declare function canonicalSchedule(schedule: string | null | undefined): string | null;
