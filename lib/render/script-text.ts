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
