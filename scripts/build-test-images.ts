/**
 * `npm run build:test-images`: builds the test image archives into build/test-images/ (or the directory
 * given as the first argument). Idempotent and deterministic: digests are the same on every run.
 */
import { statSync } from "node:fs";
import { buildTestImages, TEST_IMAGES_DIR } from "../src/image/testing/test-images.js";

const out = process.argv[2] ?? TEST_IMAGES_DIR;
const images = buildTestImages(out);
const { dir: _dir, ...archives } = images;
for (const path of Object.values<string>(archives)) {
  process.stdout.write(`${path}\t${statSync(path).size} bytes\n`);
}
