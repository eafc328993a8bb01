import { describe, expect, it } from 'vitest';
import { loadRestructuredText } from './load-restructured-text.js';

const text = [
  ' .. Licensed to the Apache Software Foundation (ASF) under one',
  '    or more contributor license agreements.',
  '',
  '.. _concepts:dags:',
  '',
  '====',
  'DAGs',
  '====',
  '',
  'A DAG is a collection of tasks.',
  '',
  'Declaring a DAG',
  '---------------',
  '',
  'Use a context manager:',
  '',
  '.. code-block:: python',
  '   :linenos:',
  '',
  '   with DAG("my_dag") as dag:',
  '',
  '       op = EmptyOperator(task_id="t")',
  '',
  'After the code.',
  '',
  'Default arguments',
  '~~~~~~~~~~~~~~~~~',
  '',
  'Literal example::',
  '',
  '    default_args = {"retries": 2}',
  '',
  '.. note::',
  '   Retries apply per task.',
  '',
  '.. toctree::',
  '   :maxdepth: 1',
  '',
  '   one',
  '   two',
  '',
  'Loading DAGs',
  '------------',
  '',
  'Airflow parses :class:`~airflow.models.DAG` files.',
].join('\n');

describe('loadRestructuredText', () => {
  const doc = loadRestructuredText({ path: 'core-concepts/dags.rst', text });

  it('ranks heading styles by first appearance and drops comments and targets', () => {
    expect(doc.metadata.title).toBe('DAGs');
    expect(doc.metadata.category).toBe('core-concepts');
    expect(doc.sections.map((s) => s.headingPath)).toEqual([
      ['DAGs'],
      ['DAGs', 'Declaring a DAG'],
      ['DAGs', 'Declaring a DAG', 'Default arguments'],
      ['DAGs', 'Loading DAGs'],
    ]);
    expect(JSON.stringify(doc.sections)).not.toContain('Licensed');
  });

  it('keeps code-block directives (with blank lines inside) and literal blocks whole', () => {
    const declaring = doc.sections[1]?.blocks ?? [];
    expect(declaring).toEqual([
      { kind: 'text', text: 'Use a context manager:' },
      {
        kind: 'code',
        text: '.. code-block:: python\n   :linenos:\n\n   with DAG("my_dag") as dag:\n\n       op = EmptyOperator(task_id="t")',
      },
      { kind: 'text', text: 'After the code.' },
    ]);
    const defaults = doc.sections[2]?.blocks ?? [];
    expect(defaults.slice(0, 2)).toEqual([
      { kind: 'text', text: 'Literal example:' },
      { kind: 'code', text: 'default_args = {"retries": 2}' },
    ]);
    expect(defaults.map((b) => b.text)).toContain('Note:\nRetries apply per task.');
    expect(JSON.stringify(defaults)).not.toContain('maxdepth');
  });
});
