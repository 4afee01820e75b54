#!/usr/bin/env node
// Thin launcher: the harness CLI is compiled from cluster-test/ by `npm run build` (run by `npm ci`).
import { main } from "../dist/cluster-test/cli.js";
await main(process.argv);
