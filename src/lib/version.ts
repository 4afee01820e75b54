/** The project version, shown by `--version` and reported by nodes. */
export const VERSION = "0.1.0";
