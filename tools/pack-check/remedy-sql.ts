/**
 * Reads our remedy files (sql/remedies-*.sql) the way pack:check applies them: the block after each
 * `-- remedy: <id>` line, and the DDL that block runs through EXECUTE IMMEDIATE. EXECUTE IMMEDIATE
 * sends its whole string as one statement, so each string is one statement that runs.
 */
import { readStatements, type Statement, type Token } from '../sql-check/lexer';

export interface RemedyBlock {
  readonly id: string;
  /** Line of the block's first statement in the remedy file. */
  readonly line: number;
  readonly block: Statement;
  /** The statements of its EXECUTE IMMEDIATE strings, in order, with lines of the remedy file. */
  readonly ddl: Statement[];
}

const MARKER = /^-- remedy: ([a-z0-9-]+)\s*$/;

/** Every remedy block of a file by id; throws when a marker has no PL/SQL block after it. */
export function readRemedyBlocks(text: string, file: string): Map<string, RemedyBlock> {
  const statements = [...readStatements(text, file)];
  const blocks = new Map<string, RemedyBlock>();
  for (const [index, line] of text.split('\n').entries()) {
    const marker = MARKER.exec(line);
    if (marker === null) continue;
    const id = marker[1];
    const markerLine = index + 1;
    const block = statements.find((statement) => statement.line > markerLine);
    if (block === undefined || !block.isPlsql || block.end !== 'slash') {
      throw new Error(`${file}:${markerLine}: remedy ${id} is not followed by a PL/SQL block ended by a / line`);
    }
    if (blocks.has(id)) throw new Error(`${file}:${markerLine}: remedy ${id} appears twice`);
    blocks.set(id, { id, line: block.line, block, ddl: dynamicStatements(block, file) });
  }
  return blocks;
}

const isWord = (token: Token | undefined, word: string): boolean => token?.kind === 'word' && token.value === word;

function dynamicStatements(block: Statement, file: string): Statement[] {
  const ddl: Statement[] = [];
  const tokens = block.tokens;
  for (let i = 0; i + 2 < tokens.length; i++) {
    const text = tokens[i + 2];
    if (!isWord(tokens[i], 'EXECUTE') || !isWord(tokens[i + 1], 'IMMEDIATE') || text.kind !== 'string') continue;
    const offset = text.line - 1;
    for (const statement of readStatements(text.value, file)) {
      ddl.push({
        ...statement,
        tokens: statement.tokens.map((token) => ({ ...token, line: token.line + offset })),
        line: statement.line + offset,
        endLine: statement.endLine + offset,
        end: 'slash',
      });
    }
  }
  return ddl;
}
