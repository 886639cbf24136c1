import fs from 'node:fs';
import path from 'node:path';

/** schemas/ sits beside src/ and dist/ alike, so one relative path serves both. */
export const clusterSchemaPath = path.resolve(__dirname, '../../schemas/cluster.schema.json');

/** The schema's text exactly as shipped (what `viok schema` prints). */
export function clusterSchemaText(): string {
  return fs.readFileSync(clusterSchemaPath, 'utf8');
}

/** The schema as an object, for ajv and for the error messages (descriptions, allowed properties). */
export function clusterSchema(): Record<string, unknown> {
  return JSON.parse(clusterSchemaText()) as Record<string, unknown>;
}
