#!/usr/bin/env node
// Generates src/generated/airflow-v2.ts from the Airflow v2 OpenAPI spec shipped in the pinned apache-airflow wheel
// (copied to openapi/v2-rest-api-<version>.yaml). `--check` regenerates in memory and fails on a difference.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';

const here = dirname(dirname(fileURLToPath(import.meta.url)));
const AIRFLOW_VERSION = '3.3.2';
const spec = join(here, 'openapi', `v2-rest-api-${AIRFLOW_VERSION}.yaml`);
const target = join(here, 'src', 'generated', 'airflow-v2.ts');

const ast = await openapiTS(new URL(`file://${spec}`));
const body = astToString(ast);
const header = `/* eslint-disable */\n// GENERATED FILE, do not edit. Source: apache-airflow ${AIRFLOW_VERSION}, airflow/api_fastapi/core_api/openapi/v2-rest-api-generated.yaml\n// Regenerate: node packages/airflow/scripts/generate-types.mjs\n\n`;
const content = header + body;
if (process.argv.includes('--check')) {
  if (readFileSync(target, 'utf8') !== content) {
    console.error(
      `${target} differs from what ${spec} generates: run node packages/airflow/scripts/generate-types.mjs`,
    );
    process.exit(1);
  }
  console.log('generated Airflow types are up to date');
} else {
  writeFileSync(target, content);
  console.log(`wrote ${target} (${content.length} bytes)`);
}
