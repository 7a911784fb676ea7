// The lexical rules of the .expirables language (docs/dsl.md, "Lexical rules").
// Comments stay in the token stream on the COMMENTS channel and white space on HIDDEN, so the
// formatter can rebuild a file from its tokens. Nothing is ever skipped and no input makes the
// lexer fail: a character that starts no token becomes an INVALID token on the ERRORS channel,
// which the compiler reports as EXP0002.
lexer grammar ExpirablesLexer;

channels { COMMENTS, ERRORS }

// Set by the lexer's own code (ExpirablesLexer.Comments.cs), never by a rule.
tokens { UNTERMINATED_COMMENT }

NAMESPACE : 'namespace' ;
MODULE    : 'module' ;
OPEN      : 'open' ;
EXPIRABLE : 'expirable' ;
FETCH     : 'fetch' ;
SCOPE     : 'scope' ;
REFRESH   : 'refresh' ;
TIMEOUT   : 'timeout' ;
CLUSTER   : 'cluster' ;
LOCAL     : 'local' ;
LAZY      : 'lazy' ;
EAGER     : 'eager' ;
// Version 2's contextual keywords: the parser reads them as names everywhere but where an option
// starts ('key', 'state') and right after the type of a 'state' ('required'), so that a version 1
// file that uses them as names keeps its meaning (grammar rule 'identifier').
KEY       : 'key' ;
STATE     : 'state' ;
REQUIRED  : 'required' ;

LT        : '<' ;
GT        : '>' ;
COLON     : ':' ;
SEMI      : ';' ;
COMMA     : ',' ;
DOT       : '.' ;
QUESTION  : '?' ;
LBRACKET  : '[' ;
RBRACKET  : ']' ;
// '(' followed by '*' is always a comment opener (longest match); no C# type contains '(*'.
LPAREN    : '(' ;
RPAREN    : ')' ;

// 'global::' qualifies a type or fetch reference from the global namespace, as in C#.
GLOBAL_ALIAS       : 'global::' ;

IDENTIFIER         : [A-Za-z_] [A-Za-z0-9_]* ;
ESCAPED_IDENTIFIER : '@' [A-Za-z_] [A-Za-z0-9_]* ;

// A duration is one token: everything from a leading digit up to the next character that cannot
// belong to it. Its parts ('1h30m'), its units and its range are checked by the compiler
// (EXP0003, EXP0004), which gives better messages than a lexer error could.
DURATION  : [0-9] [0-9A-Za-z_.]* ;

LINE_COMMENT  : '//' ~[\r\n]* -> channel(COMMENTS) ;
// Block comments nest. The body is scanned by code, not by a recursive rule, so that a file of a
// million '(*' cannot overflow the stack; an unterminated one becomes UNTERMINATED_COMMENT.
BLOCK_COMMENT : '(*' { ScanNestedCommentBody(); } -> channel(COMMENTS) ;

// A '*)' outside any comment closes nothing: one token, so that it is one mistake (EXP0002), not a
// '*' and a ')' that the parser would trip over.
STRAY_COMMENT_END : '*)' -> channel(ERRORS) ;

NEWLINE    : ('\r\n' | '\n' | '\r') -> channel(HIDDEN) ;
WHITESPACE : [ \t\f\u000B\u00A0\uFEFF]+ -> channel(HIDDEN) ;

INVALID : . -> channel(ERRORS) ;
