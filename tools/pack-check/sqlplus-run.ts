/**
 * Which statements of a script reach the database when SQL*Plus runs it with `@script`.
 *
 * SQL*Plus reads a PL/SQL unit (CREATE TRIGGER, PROCEDURE, ..., BEGIN/DECLARE) into its buffer: a
 * `;` or a blank line does not end it, only a `/` line, which runs the buffer (SQL*Plus User's
 * Guide and Reference 19c, "About Running PL/SQL Blocks": "a semicolon (;) or a blank line does not
 * terminate and execute a block"; "/ (slash)": "Executes the most recently executed SQL command or
 * PL/SQL block which is stored in the SQL buffer"). So a unit without its `/` line:
 *  - at the end of the file, or ended by a line holding only `.` (which ends the entry without
 *    running it) with no `/` line right after, never runs;
 *  - in the middle of the file swallows every following line up to the next `/` line, and SQL*Plus
 *    sends the lot as one statement: a CREATE of a named unit is stored with compilation errors
 *    (the text after its END is not PL/SQL), an anonymous block fails, and none of the swallowed
 *    statements runs.
 * The sql:check lexer already ends such a unit where its code ends (`next-statement`); here the
 * statements it swallowed are put back into its buffer.
 */
import { readStatements, type Statement } from '../sql-check/lexer';

export interface ScriptRun {
  /** Statements the database receives and runs as written, in order. */
  readonly ran: Statement[];
  /** PL/SQL units whose `/` line is missing. */
  readonly unterminated: UnterminatedUnit[];
}

export interface UnterminatedUnit {
  readonly unit: Statement;
  /** The statements after it that SQL*Plus put into the same buffer. */
  readonly swallowed: Statement[];
  /** Line of the `/` that sent unit and swallowed statements as one statement; undefined: never sent. */
  readonly sentAtLine?: number;
}

export function runAsSqlPlus(text: string, file: string): ScriptRun {
  const statements = [...readStatements(text, file)];
  const ran: Statement[] = [];
  const unterminated: UnterminatedUnit[] = [];
  for (let i = 0; i < statements.length; i++) {
    const statement = statements[i];
    // Anything else stays in the buffer: the end of the file, or a `.` line with no `/` after it.
    if (statement.end === 'slash' || statement.end === 'semicolon') {
      ran.push(statement);
      continue;
    }
    const swallowed: Statement[] = [];
    let sentAtLine: number | undefined;
    while (statement.end === 'next-statement' && ++i < statements.length) {
      swallowed.push(statements[i]);
      if (statements[i].end === 'slash') {
        sentAtLine = statements[i].endLine;
        break;
      }
    }
    unterminated.push({ unit: statement, swallowed, sentAtLine });
  }
  return { ran, unterminated };
}
