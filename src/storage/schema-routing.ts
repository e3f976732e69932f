/** PLACEHOLDER (being built): row types of migration's routing tables, merged into Database (schema.ts). */
// biome-ignore lint/suspicious/noEmptyInterface: filled as the tables land
export interface RoutingTables {}
