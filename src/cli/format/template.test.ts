// The Go-template subset against the real thing: Debian's `docker` CLI renders `docker version
// --format T` on its client data without a daemon (DOCKER_HOST is a socket that does not exist); we
// render the same T on the same data (its `{{json .Client}}`) and must print the same text.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { parseTemplate } from "./template.js";
import { tabwrite } from "./tabwriter.js";

const run = promisify(execFile);

/** What `docker version --format T` prints for the client part (the daemon part fails: no daemon). */
async function docker(template: string): Promise<string> {
  const env = { ...process.env, DOCKER_HOST: "unix:///nonexistent/swarm-test-docker.sock" };
  try {
    return (await run("docker", ["version", "--format", template], { env })).stdout;
  } catch (e) {
    const err = e as { stdout?: string; code?: unknown };
    if (err.code === "ENOENT") throw new Error("docker CLI not found: scripts/install-host-deps.sh installs docker.io", { cause: e });
    return err.stdout ?? "";
  }
}

describe("Go templates, compared with the docker CLI", () => {
  it("renders fields, pipes and Docker's functions as docker does", async () => {
    const client = JSON.parse((await docker("{{json .Client}}")).trim()) as Record<string, unknown>;
    expect(client.Os).toBe("linux");
    const templates = [
      "{{.Client.Os}}/{{.Client.Arch}}",
      "{{upper .Client.Os}} {{.Client.Os | upper}} {{lower .Client.Version}} {{title \"hello world\"}}",
      '{{printf "%-8s|%q|%5s" .Client.Os .Client.Arch .Client.Os}}',
      "{{json .Client.Os}} {{len .Client.Os}} {{json .Client.Version}}",
      "{{if .Client.Os}}yes{{else}}no{{end}} {{with .Client.Os}}{{.}}{{end}}",
      '{{range split "a,b,c" ","}}[{{.}}]{{end}}',
      '{{split "a,b" ","}} {{- " trimmed" -}} !',
    ];
    for (const t of templates) {
      const ours = `${parseTemplate(t).execute({ Client: client })}\n`;
      expect(ours, t).toBe(await docker(t));
    }
  });

  it("fails on a bad template with Go's parse errors", async () => {
    expect(() => parseTemplate("{{.Name")).toThrow("template: :1: unclosed action");
    expect(() => parseTemplate("{{foo .Name}}")).toThrow('template: :1: function "foo" not defined');
    expect(() => parseTemplate("{{if .A}}x")).toThrow("template: :1: unexpected EOF");
    expect(() => parseTemplate("{{end}}")).toThrow("template: :1: unexpected {{end}}");
    expect(() => parseTemplate("{{.Name}}").execute({ ID: "x" })).toThrow('template: :1:2: executing "" at <.Name>: can\'t evaluate field Name');
  });

  it("prints values as Go's %v: maps sorted, lists in brackets, a missing map key as <no value>", () => {
    const t = parseTemplate("{{.Labels}} {{.Args}} {{.Labels.nope}} {{.Replicas}} {{.Global}}");
    expect(t.execute({ Labels: { b: "2", a: "1" }, Args: ["sh", "-c"], Replicas: 3, Global: null })).toBe("map[a:1 b:2] [sh -c] <no value> 3 <nil>");
  });
});

// docker version aligns with its own tabwriter settings, so the ls tables' (cli/command/formatter:
// minwidth 10, padding 3) are checked on a `docker service ls` layout from Docker's docs.
describe("tabwriter as Docker's tables use it", () => {
  it("pads each tab-terminated cell to max(10, widest + 3) and leaves the last cell as is", () => {
    expect(tabwrite("ID\tNAME\tMODE\nabc123def456\tweb\treplicated\n")).toBe("ID             NAME      MODE\nabc123def456   web       replicated\n");
  });
});
