export * from './images';
export { parseGlanceError } from './parse-error';
