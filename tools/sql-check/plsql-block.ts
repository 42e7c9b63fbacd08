/**
 * Follows the block structure of one PL/SQL unit, token by token, to tell where its code ends.
 *
 * SQL*Plus itself only stops at a `/` line; we need the end of the code to notice when the `/`
 * is missing and the next statement has been swallowed into the block. The unit is complete at a
 * `;` outside parentheses once every block it opened is closed again: `END;` of a trigger or
 * anonymous block, `END pkg;` of a package, or the `;` of a type spec or call spec, which open none.
 *
 * Only the previous token is consulted, so the tracker runs in step with the scanner.
 */
import type { Token } from './lexer';

/**
 * `declarations`: after DECLARE or a unit's IS/AS, closed by END; its BEGIN does not nest further.
 * `body`: a BEGIN without a declaration section. `control`: IF, LOOP or CASE, closed by END [IF|LOOP|CASE].
 * `compound-trigger`: the declarations of a COMPOUND TRIGGER, holding its timing-point sections.
 */
type Frame = 'declarations' | 'body' | 'control' | 'compound-trigger';

export class PlsqlBlockTracker {
  private readonly frames: Frame[] = [];
  private parenthesisDepth = 0;
  /** After PROCEDURE, FUNCTION, PACKAGE, TYPE BODY or a timing point, the next IS/AS opens declarations. */
  private expectingDeclarations = false;
  /** The previous token was an IS/AS that opened declarations: LANGUAGE/EXTERNAL make it a call spec. */
  private justOpenedDeclarations = false;
  private previous: Token | undefined;
  private isComplete = false;

  get complete(): boolean {
    return this.isComplete;
  }

  feed(token: Token): void {
    const previous = this.previous;
    this.previous = token;
    const justOpenedDeclarations = this.justOpenedDeclarations;
    this.justOpenedDeclarations = false;

    if (token.kind === 'symbol') {
      this.feedSymbol(token.value);
      return;
    }
    if (token.kind !== 'word') return;
    const previousWord = previous?.kind === 'word' ? previous.value : undefined;
    switch (token.value) {
      case 'LANGUAGE':
      case 'EXTERNAL':
        if (justOpenedDeclarations) this.frames.pop();
        break;
      case 'DECLARE':
        this.frames.push('declarations');
        break;
      case 'BEGIN':
        if (this.top() === 'declarations') this.frames[this.frames.length - 1] = 'body';
        else this.frames.push('body');
        break;
      case 'IF':
      case 'LOOP':
      case 'CASE':
        if (previousWord !== 'END') this.frames.push('control');
        break;
      case 'END':
        this.frames.pop();
        break;
      case 'PROCEDURE':
      case 'FUNCTION':
      case 'PACKAGE':
        this.expectingDeclarations = true;
        break;
      case 'BODY':
        if (previousWord === 'TYPE') this.expectingDeclarations = true;
        break;
      case 'TRIGGER':
        if (previousWord === 'COMPOUND') this.frames.push('compound-trigger');
        break;
      case 'BEFORE':
      case 'AFTER':
      case 'INSTEAD':
        if (this.top() === 'compound-trigger' && previousWord !== 'END') this.expectingDeclarations = true;
        break;
      case 'IS':
      case 'AS':
        if (this.expectingDeclarations && this.parenthesisDepth === 0) {
          this.frames.push('declarations');
          this.expectingDeclarations = false;
          this.justOpenedDeclarations = true;
        }
        break;
    }
  }

  private feedSymbol(symbol: string): void {
    if (symbol === '(') {
      this.parenthesisDepth++;
    } else if (symbol === ')') {
      if (this.parenthesisDepth > 0) this.parenthesisDepth--;
    } else if (symbol === ';' && this.parenthesisDepth === 0) {
      // A forward declaration (`PROCEDURE p;`) ends its header without declarations.
      this.expectingDeclarations = false;
      if (this.frames.length === 0) this.isComplete = true;
    }
  }

  private top(): Frame | undefined {
    return this.frames[this.frames.length - 1];
  }
}
