import { defineConfig } from "vitest/config";

// Three layers (CONTRIBUTING.md, "Tests"):
//   unit        src/**/*.test.ts            pure cores and simulators, no root needed
//   integration **/*.int.test.ts            real runtime, image store, single daemon (root)
//   cluster     cluster-test/**/*.test.ts   netns multi-host scenarios (root), one file at a time
export default defineConfig({
  test: {
    reporters: ["default"],
    projects: [
      {
        test: {
          name: "unit",
          include: ["src/**/*.test.ts", "scripts/**/*.test.ts", "bench/**/*.test.ts"],
          exclude: ["**/*.int.test.ts", "node_modules/**", "dist/**"],
          testTimeout: 60_000,
        },
      },
      {
        test: {
          name: "integration",
          include: ["src/**/*.int.test.ts", "native/**/*.int.test.ts", "scripts/**/*.int.test.ts"],
          setupFiles: ["src/lib/testing/require-root.ts"],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: "cluster",
          include: ["cluster-test/**/*.test.ts"],
          setupFiles: ["src/lib/testing/require-root.ts"],
          fileParallelism: false,
          testTimeout: 300_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
