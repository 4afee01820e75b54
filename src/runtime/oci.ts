/**
 * The OCI runtime-spec subset swarm-runtime reads (config.json). This is an external format, so it is
 * described with TS interfaces rather than generated from proto/.
 */

/** A mount in config.json. */
export interface OciMount {
  readonly destination: string;
  readonly type?: string;
  readonly source?: string;
  readonly options?: readonly string[];
}

/** process.user */
export interface OciUser {
  readonly uid: number;
  readonly gid: number;
  readonly additionalGids?: readonly number[];
}

/** process.capabilities */
export interface OciCapabilities {
  readonly bounding?: readonly string[];
  readonly effective?: readonly string[];
  readonly permitted?: readonly string[];
  readonly inheritable?: readonly string[];
  readonly ambient?: readonly string[];
}

/** process.rlimits[] */
export interface OciRlimit {
  readonly type: string;
  readonly soft: number;
  readonly hard: number;
}

/** process */
export interface OciProcess {
  readonly terminal?: boolean;
  readonly user?: OciUser;
  readonly args: readonly string[];
  readonly env?: readonly string[];
  readonly cwd: string;
  readonly capabilities?: OciCapabilities;
  readonly rlimits?: readonly OciRlimit[];
  readonly noNewPrivileges?: boolean;
}

/** The namespace types swarm-runtime knows. */
export type OciNamespaceType = "pid" | "network" | "mount" | "ipc" | "uts" | "cgroup";

/** linux.namespaces[] (path = join an existing namespace). */
export interface OciNamespace {
  readonly type: OciNamespaceType;
  readonly path?: string;
}

/** linux.resources.devices[]: allow or deny access ("rwm") to devices of a type (a, b, c), major/minor (absent = any). */
export interface OciDeviceRule {
  readonly allow: boolean;
  readonly type?: "a" | "b" | "c";
  readonly major?: number;
  readonly minor?: number;
  readonly access?: string;
}

/** linux.resources */
export interface OciResources {
  readonly memory?: { readonly limit?: number; readonly swap?: number };
  readonly cpu?: { readonly quota?: number; readonly period?: number; readonly shares?: number };
  readonly pids?: { readonly limit: number };
  readonly devices?: readonly OciDeviceRule[];
}

/** linux */
export interface OciLinux {
  readonly namespaces?: readonly OciNamespace[];
  readonly resources?: OciResources;
  readonly cgroupsPath?: string;
  readonly maskedPaths?: readonly string[];
  readonly readonlyPaths?: readonly string[];
  readonly rootfsPropagation?: string;
}

/** The whole config.json. */
export interface OciConfig {
  readonly ociVersion: string;
  readonly process: OciProcess;
  readonly root: { readonly path: string; readonly readonly?: boolean };
  readonly hostname?: string;
  readonly mounts?: readonly OciMount[];
  readonly linux?: OciLinux;
  readonly annotations?: Readonly<Record<string, string>>;
}
