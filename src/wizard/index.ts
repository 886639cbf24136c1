/** `viok init`: the question flow, its inventories and what it writes. */
export { runWizard } from './flow';
export type { WizardOptions, WizardResult } from './flow';
export { buildSpec, DEFAULTS } from './build-spec';
export { checkAnswer } from './check-answer';
export { renderSpec, summarize, INSTALLED_SCHEMA } from './render';
export { saveCloud } from './save-cloud';
export { liveCloudInventory, liveNsxtInventory, resolvedNewCloud } from './live-inventory';
export { BACKEND_CHOICES } from './backends';
export * from './types';
