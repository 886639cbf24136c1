/**
 * Spec validation: load (file, encoding, YAML), then stage 1 (the JSON Schema), then stage 2 (the named
 * semantic rules). Every problem is reported at once, sorted by pointer; nothing here throws on bad input.
 */
import { SpecError, type SpecProblem } from '../core/errors';
import { loadSpecBytes, loadSpecFile, readSpecStream, type LoadedSpec } from './load';
import { makeProblem, sortProblems } from './problems';
import { semanticRules } from './rules';
import { checkSchema } from './schema-stage';
import type { ClusterSpec } from './types';

export interface SpecValidation {
  /** The spec, present only when there are no problems. */
  spec?: ClusterSpec;
  problems: SpecProblem[];
}

/** Validates spec text (or the bytes of a file); `fileName` is how problems name the file. */
export function validateSpecText(content: string | Uint8Array, fileName: string): SpecValidation {
  return guarded(fileName, () => validateLoaded(loadSpecBytes(content, fileName), fileName));
}

/** Reads and validates a spec file; `fileName` (default: the path) is how problems name the file. */
export function validateSpecFile(path: string, fileName: string = path): SpecValidation {
  return guarded(fileName, () => validateLoaded(loadSpecFile(path, fileName), fileName));
}

/** Reads a spec from a stream (standard input, at most 1 MiB) and validates it. */
export async function validateSpecStream(
  stream: AsyncIterable<Buffer | string>,
  fileName: string,
): Promise<SpecValidation> {
  const read = await readSpecStream(stream, fileName);
  if (!read.bytes) return { problems: read.problems };
  return validateSpecText(read.bytes, fileName);
}

/** The spec in a file, or a SpecError listing every problem. */
export function loadValidSpec(path: string, fileName: string = path): ClusterSpec {
  const { spec, problems } = validateSpecFile(path, fileName);
  if (!spec) throw new SpecError(problems);
  return spec;
}

function validateLoaded(loaded: LoadedSpec, file: string): SpecValidation {
  if (!loaded.document) return { problems: sortProblems(loaded.problems) };
  // the validator fills in the schema's defaults in place; a few rules need what the user wrote
  const written = structuredClone(loaded.document) as unknown as ClusterSpec;
  const schemaProblems = checkSchema(loaded.document, file, loaded.locate);
  if (schemaProblems.length > 0) return { problems: sortProblems(schemaProblems) };

  // the schema passed (and filled in its defaults), so the document has the generated type's shape
  const spec = loaded.document as unknown as ClusterSpec;
  const problems = semanticRules.flatMap(({ name, check }) =>
    check(spec, {
      problem: (pointer, message) => makeProblem(file, pointer, message, name, loaded.locate),
      written,
    }),
  );
  return problems.length > 0 ? { problems: sortProblems(problems) } : { spec, problems: [] };
}

/** A bug in a rule must not reach the user as a stack trace: it becomes a problem that asks to be reported. */
function guarded(file: string, run: () => SpecValidation): SpecValidation {
  try {
    return run();
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    return {
      problems: [
        makeProblem(file, '', `internal error while validating (please report it): ${reason}`, 'internal'),
      ],
    };
  }
}
