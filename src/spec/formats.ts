/**
 * The string formats the cluster schema uses, shared by the precompiled validator
 * (schema-validator.generated.ts requires this module). Each is `{ type, validate }`: the generated code
 * calls `.validate`, as the generator registered them.
 */
import { fullFormats } from 'ajv-formats/dist/formats';
import { isCidr, isIpAddress } from '../util/cidr';

export const specFormats = {
  uri: { type: 'string' as const, validate: fullFormats.uri as (text: string) => boolean },
  cidr: { type: 'string' as const, validate: isCidr },
  ip: { type: 'string' as const, validate: isIpAddress },
};
