/** Presentation: what viok prints for people (tables, summaries, topology drawings), apart from the work. */
export { formatCreateSummary } from './create-summary';
export { formatDescription } from './describe';
export { formatPlanTable } from './plan-table';
export { formatListing, renderTable, LISTING_FORMATS, type Column, type ListingFormat } from './listing';
export { topologyToDot } from './topology/dot';
export { topologyToMermaid } from './topology/mermaid';
export { dotToSvg } from './topology/svg';
