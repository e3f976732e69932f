/** PLACEHOLDER (being built): row types of migration's dependencies tables, merged into Database (schema.ts). */
// biome-ignore lint/suspicious/noEmptyInterface: filled as the tables land
export interface DependencyTables {}
