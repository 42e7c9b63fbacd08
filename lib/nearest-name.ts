/** Suggestions for misspelt names ("did you mean nodeCount?"). */

/** Edit distance (insertions, deletions, substitutions; letter case ignored). */
function editDistance(a: string, b: string): number {
    const [x, y] = [a.toLowerCase(), b.toLowerCase()];
    let row = Array.from({ length: y.length + 1 }, (_, j) => j);
    for (let i = 1; i <= x.length; i++) {
        const next = [i];
        for (let j = 1; j <= y.length; j++) next.push(Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (x[i - 1] === y[j - 1] ? 0 : 1)));
        row = next;
    }
    return row[y.length];
}

/** The candidate closest to `name` when it is close enough to be a slip of the keyboard; else null. */
export function nearestName(name: string, candidates: readonly string[]): string | null {
    const [nearest] = [...candidates].sort((a, b) => editDistance(name, a) - editDistance(name, b) || a.localeCompare(b));
    return nearest !== undefined && editDistance(name, nearest) <= Math.max(2, Math.floor(nearest.length / 3)) ? nearest : null;
}
