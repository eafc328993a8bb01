import type { PipelineSpec } from '../spec/pipeline-spec.js';
import { checkUserSql } from './check-user-sql.js';

/** Every SQL statement a spec carries (sql tasks, custom_sql checks), checked for its engine and purpose. */
export function checkSpecSql(spec: PipelineSpec): void {
  for (const task of spec.tasks) {
    if (task.type === 'sql') {
      checkUserSql(task.sql, { where: `Task ${task.id}`, purpose: 'task', dialect: task.connection.kind });
    } else if (task.type === 'quality_check') {
      for (const check of task.checks) {
        if (check.kind !== 'custom_sql') continue;
        checkUserSql(check.sql, {
          where: `Task ${task.id}, check ${check.name}`,
          purpose: 'check',
          dialect: task.connection.kind,
        });
      }
    }
  }
}
