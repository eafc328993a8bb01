import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { it } from 'vitest';
import { introspectSqlite } from '@airflow-mcp/pipeline';
import { detectLanguage } from '../i18n/detect-language.js';
import { createRulePlanner } from '../planning/rule-planner.js';
import { understandSpec } from './understood.js';

import { createShopDatabase } from '../../../../test/support/create-shop-database.js';
it('ff probe', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ff-'));
  createShopDatabase(join(dir, 'shop.db'));
  const reqs = readFileSync('/tmp/ff/reqs.txt', 'utf8').split('\n').filter(Boolean);
  for (const request of reqs) {
    try {
      const p = await createRulePlanner().plan({
        request,
        language: detectLanguage(request),
        hints: {},
        knowledge: [],
        previousFailures: [],
        introspect: async (c, t) => (c.kind === 'sqlite' ? introspectSqlite(resolve(dir, c.path), t) : undefined),
      });
      console.log(request, '\n  =>', JSON.stringify(understandSpec(p.spec)), p.notes.join('; '));
    } catch (e) {
      console.log(request, '\n  !!', (e as { code: string }).code, (e as Error).message);
    }
  }
}, 60000);
