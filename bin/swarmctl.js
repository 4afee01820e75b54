#!/usr/bin/env node
// Thin launcher: the CLI is compiled from src/cli by `npm run build` (run by `npm ci`).
import { main } from "../dist/src/cli/swarmctl.js";
await main(process.argv);
