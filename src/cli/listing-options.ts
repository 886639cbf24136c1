import { Option, type Command } from 'commander';
import { LISTING_FORMATS, type ListingFormat } from '../report/listing';

/** What the listing flags parse to. */
export interface ListingFlags {
  output: ListingFormat;
  column: string[];
}

/** `-o table|wide|json|yaml|name|value` and `-c COLUMN` (repeatable), the same on every listing command. */
export function addListingOptions<C extends Command>(command: C): C {
  return command
    .addOption(
      new Option('-o, --output <format>', 'output format (wide: more columns; value: no header, for scripts)')
        .choices(LISTING_FORMATS)
        .default('table'),
    )
    .addOption(
      new Option('-c, --column <name>', 'show only this column (repeatable; the order is kept)')
        .argParser((value: string, previous: string[] = []) => [...previous, value])
        .default([], 'all'),
    );
}
