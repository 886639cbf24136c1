// The clock lives in src/core (core imports nothing of ours); re-exported here for existing imports.
export { systemClock } from '../../core/clock';
