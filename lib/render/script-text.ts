import * as fs from "fs";
import * as path from "path";

/**
 * Scripts travel in the node's user-data, which EC2 limits to 16 KB: they go without their
 * comment lines (the repository keeps them). The shebang and shellcheck directives stay.
 */
export function withoutCommentLines(script: string): string {
    return script
        .split("\n")
        .filter((line, i) => i === 0 || /^\s*# shellcheck /.test(line) || !/^\s*#( |$)/.test(line))
        .join("\n");
}

/** The program both the node's boot and the hub's start run to rewrite their files from the current user-data. */
const USER_DATA_WRITER = fs.readFileSync(path.join(__dirname, "scripts", "write-user-data-files.py"), "utf8")
    .split("\n").filter((line) => !line.startsWith("#")).join("\n").trim();

/**
 * A script with the user-data writer in place of its `@WRITE_USER_DATA_FILES@` marker, which sits
 * inside single quotes (`python3 -c '…'`): one program for both hosts, checked to hold no quote.
 */
export function withUserDataWriter(script: string): string {
    if (USER_DATA_WRITER.includes("'")) throw new Error("write-user-data-files.py holds a single quote: it cannot travel in python3 -c '…'");
    if (!script.includes("@WRITE_USER_DATA_FILES@")) throw new Error("the script has no @WRITE_USER_DATA_FILES@ marker");
    return script.replace("@WRITE_USER_DATA_FILES@", () => `\n${USER_DATA_WRITER}\n`);
}
