import { checkUserSql } from '../sql/check-user-sql.js';
import type { Engine } from '../spec/pipeline-spec.js';

/**
 * User SQL (custom checks, SQL tasks) runs as given on the user's own connection, so it cannot be rewritten: the
 * compiler re-checks it with the engine's real parser (see checkUserSql) and emits exactly the checked text. A
 * check (readOnly) must be one read-only SELECT; a task one of the transformation shapes.
 */
export function checkSqlStatement(sql: string, options: { where: string; readOnly: boolean; dialect: Engine }): string {
  return checkUserSql(sql, {
    where: options.where,
    purpose: options.readOnly ? 'check' : 'task',
    dialect: options.dialect,
  });
}
