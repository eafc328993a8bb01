import { createFeedbackStore } from '@airflow-mcp/state';
import { loadConfig } from '../../config.js';
import { openDatabase } from '../../services/open-database.js';
import type { CliCommand } from '../command.js';

export const feedbackCommand: CliCommand = {
  name: 'feedback',
  summary: 'summarise the ratings and corrections given with rate_dag',
  usage: 'airflow-mcp feedback report [--json]',
  async run(args, io) {
    if (args[0] !== 'report') {
      io.stderr.write(`usage: ${this.usage}\n`);
      return 2;
    }
    const config = loadConfig(io.env);
    const db = await openDatabase(config, undefined, { mode: 'feedback' });
    try {
      const report = await (await createFeedbackStore(db)).report();
      if (args.includes('--json')) {
        io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
        return 0;
      }
      const lines = [
        `${report.total} rating(s).`,
        `DAGs: ${report.dags.ratings} rating(s), average ${report.dags.average ?? '-'}, ${report.dags.corrections} with a correction.`,
        `Search results: ${report.searches.ratings} rating(s), average ${report.searches.average ?? '-'}.`,
        ...(report.lowest_rated_dags.length
          ? [
              'Lowest rated DAGs:',
              ...report.lowest_rated_dags.map((d) => `  ${d.dag_id}: ${d.average.toFixed(1)} (${d.ratings})`),
            ]
          : []),
        ...(report.demoted_docs.length
          ? ['Documents rated unhelpful:', ...report.demoted_docs.map((d) => `  ${d.doc}: ${d.times} time(s)`)]
          : []),
      ];
      io.stdout.write(`${lines.join('\n')}\n`);
      return 0;
    } finally {
      await db.close();
    }
  },
};
