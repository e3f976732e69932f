// The dependency graph of src/, enforced by `npm run lint` (dependency-cruiser). The layers and
// the reason for every edge are in docs/development.md ("Dependencies"); change both together.

/** Test code: tests, the helpers in src/test, `*.test-support.ts` fixtures, the probe's fixtures. */
const TEST = "(^src/test/|[.]test[.]ts$|[.]test-support[.]ts$|^src/probe/fixtures/)";

/**
 * What each folder of src/ may import besides itself (non-test files; tests may import anything).
 * Ordered from the bottom: a folder only imports folders listed before it.
 */
const MAY_IMPORT = {
  lib: [],
  config: ["lib"],
  domain: ["lib"],
  storage: ["lib", "config", "domain"],
  queue: ["lib", "domain"],
  probe: ["lib", "domain", "queue"],
  "monitor-types": ["lib", "domain", "probe"],
  services: ["lib", "domain", "storage", "queue", "monitor-types"],
  scheduler: ["lib", "domain", "queue", "services"],
  evaluator: ["lib", "domain", "queue", "services"],
  notify: ["lib", "domain", "queue", "probe", "services"],
  status: ["lib", "domain", "queue", "services"],
  api: ["lib", "domain", "queue", "monitor-types", "services", "notify", "status"],
  "main.ts": [
    "lib",
    "config",
    "domain",
    "storage",
    "queue",
    "probe",
    "monitor-types",
    "services",
    "scheduler",
    "evaluator",
    "notify",
    "status",
    "api",
  ],
  cli: [
    "lib",
    "config",
    "domain",
    "storage",
    "queue",
    "probe",
    "monitor-types",
    "services",
    "scheduler",
    "evaluator",
    "notify",
    "status",
    "api",
    "main.ts",
  ],
};

const FOLDERS = [...Object.keys(MAY_IMPORT), "test"];
/** Packages by name (their own files, or their @types). */
const pkg = (names) => `^node_modules/(@types/)?(${names.join("|")})/`;
const DB = pkg(["kysely", "pg", "pg-[^/]+", "@electric-sql/pglite"]);
const FASTIFY = pkg(["fastify", "fastify-[^/]+", "@fastify/[^/]+"]);
const IO = [
  DB,
  FASTIFY,
  pkg(["undici", "ioredis", "nodemailer"]),
  "^(node:)?(fs|fs/promises|net|http|https|http2|dns|dns/promises|tls|dgram|child_process|worker_threads)$",
];
const escape = (name) => name.replace(/[.]/g, "[.]");
/** The files of a folder of src/ (or src/main.ts itself). */
const under = (names) => `^src/(${names.map(escape).join("|")})(/|$)`;

/** @type {import('dependency-cruiser').IConfiguration} */
export default {
  forbidden: [
    ...Object.entries(MAY_IMPORT).map(([folder, allowed]) => ({
      name: `layers-${folder.replace(/[.]ts$/, "")}`,
      comment: `src/${folder} may import only ${allowed.length ? allowed.join(", ") : "nothing else in src"} (docs/development.md, "Dependencies")`,
      severity: "error",
      from: { path: under([folder]), pathNot: TEST },
      to: { path: "^src/", pathNot: under([folder, ...allowed]) },
    })),
    {
      name: "layers-unknown-folder",
      comment: `a folder of src/ that has no layer: add it to MAY_IMPORT here and to docs/development.md`,
      severity: "error",
      from: { path: "^src/", pathNot: `${under(FOLDERS)}|${TEST}` },
      to: { path: "^src/" },
    },
    {
      name: "domain-is-pure",
      comment: "src/domain is pure types and rules: no IO, no framework, no database",
      severity: "error",
      from: { path: "^src/domain/", pathNot: TEST },
      to: { path: IO },
    },
    {
      name: "database-only-in-storage-and-services",
      comment:
        "the database driver and query builder are used by storage and services only (main.ts opens it); the postgres monitor type speaks to monitored servers with pg",
      severity: "error",
      from: { path: "^src/", pathNot: `^src/(storage|services|monitor-types/postgres)/|^src/main[.]ts$|${TEST}` },
      to: { path: DB },
    },
    {
      name: "fastify-only-at-the-edge",
      comment: "Fastify is the HTTP edge: api, status and the SSE helper (lib/sse.ts); never services",
      severity: "error",
      from: { path: "^src/", pathNot: `^src/(api|status)/|^src/lib/sse[.]ts$|^src/main[.]ts$|${TEST}` },
      to: { path: FASTIFY },
    },
    {
      name: "not-to-test",
      comment: "code that is built into dist/ must not import test code (tests, src/test, *.test-support.ts)",
      severity: "error",
      from: { path: "^src/", pathNot: TEST },
      to: { path: `${TEST}|^test/` },
    },
    {
      name: "not-to-dev-dep",
      comment: "code that is built into dist/ must not import a devDependency (npm ci --omit=dev drops it)",
      severity: "error",
      from: { path: "^src/", pathNot: TEST },
      to: { dependencyTypes: ["npm-dev"], dependencyTypesNot: ["type-only"] },
    },
    {
      name: "no-circular",
      comment: "no module depends on itself through others (type-only imports included)",
      severity: "error",
      from: {},
      to: { circular: true },
    },
    {
      name: "no-orphans",
      comment: "a module nothing imports and that imports nothing is dead code (or a test helper to rename)",
      severity: "error",
      from: { orphan: true, path: "^src/", pathNot: `${TEST}|[.]d[.]ts$|^src/cli/main[.]ts$` },
      to: {},
    },
    {
      name: "not-to-unresolvable",
      comment: "every import resolves to a file or a package",
      severity: "error",
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    // `import type` counts: a type-only edge couples modules as much as a value edge.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      extensions: [".ts", ".js", ".mjs", ".json"],
    },
  },
};
