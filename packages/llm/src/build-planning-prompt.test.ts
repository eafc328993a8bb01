import { describe, expect, it } from 'vitest';
import { buildPlanningPrompt, type PlanningPromptInput } from './build-planning-prompt.js';
import { describeSourceSchema } from './describe-source-schema.js';

const base: PlanningPromptInput = {
  request: 'Copy the events table from /data/warehouse/sample.db into DuckDB every day, only purchases',
  language: 'en',
  hints: { sourceDb: '/data/warehouse/sample.db', targetDb: undefined, schedule: '@daily' },
  sourceSchema: describeSourceSchema({
    connection: 'sqlite /data/warehouse/sample.db',
    tables: [
      {
        name: 'events',
        rowCount: 2000,
        columns: [
          { name: 'event_id', type: 'bigint' },
          { name: 'event_type', type: 'text' },
        ],
      },
      { name: 'users' },
    ],
  }),
  knowledge: [
    { title: 'Expressions', section: 'Filters', text: 'Filters use a restricted expression language.', score: 0.91 },
    { title: 'Schedules', section: '', text: 'Presets: @daily, @hourly.', score: 0.5 },
  ],
  previousFailures: [],
};

describe('buildPlanningPrompt', () => {
  it('puts the rules in the system part: JSON only, no Python, no credentials, schema columns only, no citations', () => {
    const { system } = buildPlanningPrompt(base);
    expect(system).toMatch(/Output ONLY one JSON object/);
    expect(system).toMatch(/Never write Python/);
    expect(system).toMatch(/Airflow connection ids \(conn_id\)/);
    expect(system).toMatch(/Use only tables and columns that appear in the source schema/);
    expect(system).toMatch(/Do not cite/);
    expect(system).toMatch(/description \(one sentence\) in English/);
    expect(buildPlanningPrompt({ ...base, language: 'ko' }).system).toMatch(/in Korean/);
  });

  it('carries the request, the hints that are set, the source schema and the knowledge with its sources', () => {
    const { prompt } = buildPlanningPrompt(base);
    expect(prompt).toContain('## Request\nCopy the events table');
    expect(prompt).toContain('- sourceDb: /data/warehouse/sample.db\n- schedule: @daily');
    expect(prompt).not.toContain('targetDb');
    expect(prompt).toContain('- events (2000 rows): event_id bigint, event_type text\n- users');
    expect(prompt).toContain(
      '### [1] Expressions > Filters (score 0.91)\nFilters use a restricted expression language.',
    );
    expect(prompt).toContain('### [2] Schedules (score 0.50)');
    expect(prompt).not.toContain('failed validation');
  });

  it('masks credentials a user pasted into the request before they reach a model', () => {
    const { prompt } = buildPlanningPrompt({
      ...base,
      request: 'Load orders from postgresql://etl:S3cretPw@db.internal:5432/shop, password=hunter22',
    });
    expect(prompt).not.toContain('S3cretPw');
    expect(prompt).not.toContain('hunter22');
  });

  it('masks every knowledge passage (documents and rated examples with their specs and notes)', () => {
    const { prompt } = buildPlanningPrompt({
      ...base,
      knowledge: [
        {
          title: 'A similar request its user rated well',
          section: 'copy from postgresql://etl:SectionPw1@db/shop',
          text: 'Request: copy orders\nSpec: {"dag_id":"x"}\nUser\'s note: use password=ExamplePw77 and token ghp_abcdefghijklmnopqrstuvwxyz0123456789',
          score: 0.9,
        },
        { title: 'Connections', section: 'URIs', text: 'e.g. mysql://root:DocPw999@mysql:3306/db', score: 0.5 },
      ],
    });
    for (const secret of ['SectionPw1', 'ExamplePw77', 'ghp_abcdefghijklmnopqrstuvwxyz0123456789', 'DocPw999'])
      expect(prompt).not.toContain(secret);
    expect(prompt).toContain('Spec: {"dag_id":"x"}');
  });

  it('bounds the knowledge to the budget, cutting the snippet that crosses it and dropping the rest', () => {
    const long = Array.from({ length: 5 }, (_, i) => ({
      title: `Doc ${i}`,
      section: 's',
      text: String(i).repeat(2500),
      score: 1 - i / 10,
    }));
    const { prompt } = buildPlanningPrompt({ ...base, knowledge: long });
    const knowledge = prompt.slice(prompt.indexOf('## Reference knowledge'));
    expect(knowledge).toContain('[3] Doc 2');
    expect(knowledge).not.toContain('Doc 3');
    const textChars = [...knowledge].filter((c) => /[0-4]/.test(c)).length;
    expect(textChars).toBeLessThanOrEqual(6000 + 20); // 6,000 of text plus the digits of headers and scores
    expect(buildPlanningPrompt({ ...base, knowledge: long }, { knowledgeChars: 1000 }).prompt).not.toContain('Doc 1');
  });

  it('asks for a repair with the earlier failures (the last three) and the previous answer', () => {
    const { prompt } = buildPlanningPrompt({
      ...base,
      previousFailures: [
        'first',
        'second',
        'tasks.0.source_table: an identifier',
        'Task load: "amount" is not a column',
      ],
      previousAnswer: '{"dag_id": "x"}',
    });
    expect(prompt).toContain('## Earlier answers failed validation');
    expect(prompt).not.toContain('1. first');
    expect(prompt).toContain(
      '1. second\n2. tasks.0.source_table: an identifier\n3. Task load: "amount" is not a column',
    );
    expect(prompt).toContain('## Your previous answer (correct it)\n{"dag_id": "x"}');
  });

  it('says when the source could not be introspected', () => {
    expect(buildPlanningPrompt({ ...base, sourceSchema: '' }).prompt).toContain('(not introspected');
  });
});
