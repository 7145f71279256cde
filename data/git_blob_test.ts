import { assertEquals } from "../lib/testing/assert.ts";
import { gitBlobId } from "./git_blob.ts";

Deno.test("gitBlobId() matches `git hash-object` for the empty file and for a text file", () => {
  assertEquals(gitBlobId(new Uint8Array(0)), "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391");
  assertEquals(gitBlobId(new TextEncoder().encode("hello\n")), "ce013625030ba8dba906f756967f9e9ca394464a");
});

Deno.test("gitBlobId() agrees with the git binary on random bytes when git is installed", async () => {
  const bytes = new Uint8Array(1000).map((_, i) => (i * 7919) % 256);
  let git: Deno.CommandOutput;
  try {
    const child = new Deno.Command("git", {
      args: ["hash-object", "--stdin"],
      stdin: "piped",
      stdout: "piped",
    })
      .spawn();
    const w = child.stdin.getWriter();
    await w.write(bytes);
    await w.close();
    git = await child.output();
  } catch {
    console.log("skipped: git is not installed");
    return;
  }
  assertEquals(gitBlobId(bytes), new TextDecoder().decode(git.stdout).trim());
});
