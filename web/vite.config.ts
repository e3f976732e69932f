import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";
import { precompress } from "./precompress.ts";

/**
 * The dashboard: a single-page app served by Upblit at `/` (src/api/web.ts), talking only to the
 * public API through @upblit/sdk. `npm run build:web` writes web/dist; `npm run dev:web` proxies the API to :3000.
 */
export default defineConfig({
  root: import.meta.dirname,
  plugins: [react(), precompress()],
  // The SDK from its sources (as tsconfig.json's paths resolve it), so the bundle needs no build
  // of packages/sdk first and keeps only what the dashboard uses.
  resolve: {
    alias: { "@upblit/sdk": fileURLToPath(new URL("../packages/sdk/src/index.ts", import.meta.url)) },
  },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // Budget from issue 13: initial JS ≤ 150 KB compressed. uPlot is loaded only by pages with charts.
    chunkSizeWarningLimit: 600,
  },
  server: {
    proxy: { "/api": "http://127.0.0.1:3000" },
  },
});
