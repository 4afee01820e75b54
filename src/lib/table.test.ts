import { describe, expect, it } from "vitest";
import { formatTable } from "./table.js";

describe("formatTable", () => {
  it("left-aligns columns with three-space gutters, the last column unpadded", () => {
    expect(formatTable(["A", "BB"], [["xxxx", "y"]])).toBe("A      BB\nxxxx   y\n");
    expect(formatTable(["ID", "NAME", "MODE"], [["abc", "web", "replicated"], ["d", "a-longer-name", "global"]])).toBe(
      ["ID    NAME            MODE", "abc   web             replicated", "d     a-longer-name   global", ""].join("\n"),
    );
  });

  it("prints the header alone when there are no rows, and trims trailing spaces of empty cells", () => {
    expect(formatTable(["ID", "HOSTNAME", "MANAGER STATUS"], [])).toBe("ID   HOSTNAME   MANAGER STATUS\n");
    expect(formatTable(["ID", "ERROR"], [["t1", ""]])).toBe("ID   ERROR\nt1\n");
  });
});
