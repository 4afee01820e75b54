// Setup file for the integration and cluster layers: they use namespaces, cgroups and mounts,
// so they need root. TESTING.md: a test that cannot run must fail and say what is missing.
if (typeof process.getuid !== "function" || process.getuid() !== 0) {
  throw new Error(
    "integration and cluster tests need root (namespaces, cgroups, overlayfs, netns); " +
      "run `sudo npm test`, or `npm run test:unit` for the layer that does not",
  );
}
