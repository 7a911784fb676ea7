// The syntax of the .expirables language (docs/dsl.md, "Grammar"). The parser builds a parse tree
// that src/Compiler/Syntax/SyntaxTreeBuilder.cs turns into the compiler's SyntaxTree; error recovery is ANTLR's
// default strategy with our messages (src/Compiler/Parsing/Internal/ExpirablesErrorStrategy.cs).
parser grammar ExpirablesParser;

options { tokenVocab = ExpirablesLexer; }

// Headers are accepted anywhere between declarations so that a late or repeated header is a
// precise EXP0106 from the checker rather than a vague syntax error.
compilationUnit
    : (header | declaration)* EOF
    ;

header
    : NAMESPACE qualifiedName     # namespaceHeader
    | MODULE qualifiedName { ReportDottedModuleName($qualifiedName.ctx); }  # moduleHeader
    | OPEN qualifiedName          # openHeader
    ;

declaration
    : EXPIRABLE identifier (COLON type)? LT (option SEMI?)* GT
    ;

option
    : FETCH GLOBAL_ALIAS? qualifiedName               # fetchOption
    | SCOPE scopeValue=(CLUSTER | LOCAL)              # scopeOption
    | REFRESH (LAZY | EAGER duration)                 # refreshOption
    | TIMEOUT duration                                # timeoutOption
    | KEY type                                        # keyOption
    // 'required' right after the type belongs to the state (the subrule is greedy: 'state S
    // required' is never read as 'state S' and the alternative below).
    | STATE type REQUIRED?                            # stateOption
    // 'state required S': the word before the type, read so that the checker can name the fix
    // (EXP0110) rather than report the type as a second mistake. 'state required required' and
    // 'state required;' are the alternative above (a type named 'required', which EXP0110 flags).
    | STATE REQUIRED type                             # requiredBeforeStateTypeOption
    // A 'required' anywhere else where an option may start is read so that the checker can say
    // where it belongs (EXP0110) rather than a syntax error that cannot.
    | REQUIRED                                        # misplacedRequiredOption
    ;

// One DURATION token ('1h30m'); the words after it are read too ('30 s', '1h 30m': nothing else
// can follow a duration there), so that a space inside a duration is one EXP0003, not two errors.
duration
    : DURATION (DURATION | IDENTIFIER)*
    ;

qualifiedName
    : identifier (DOT identifier)*
    ;

// The contextual keywords are names wherever a name is read.
identifier
    : IDENTIFIER
    | ESCAPED_IDENTIFIER
    | KEY
    | STATE
    | REQUIRED
    ;

// C# type syntax. Nesting depth is bounded (src/Compiler/Parsing/Internal/ExpirablesParser.Nesting.cs) so that
// 'a<a<a<...' cannot overflow the stack: past the limit the parser reports EXP0001.
type
    : (namedType | tupleType) QUESTION? arraySuffix*
    ;

namedType
    : GLOBAL_ALIAS? qualifiedName (typeArgumentList | emptyTypeArgumentList)?
    ;

// C#'s unbound generic syntax ('List<>', 'Dictionary<,>') names no type here: one syntax error at
// its '<', read as part of the type so that the declaration's own '<' after it is still the body.
emptyTypeArgumentList
    : LT COMMA* GT { ReportEmptyTypeArguments($start); }
    ;

typeArgumentList
    @init { EnterNesting(); }
    : LT {WithinNestingLimit()}?<fail={NestingTooDeepMessage}> type (COMMA type)* GT
    ;
    finally { ExitNesting(); }

tupleType
    @init { EnterNesting(); }
    : LPAREN {WithinNestingLimit()}?<fail={NestingTooDeepMessage}> tupleElement (COMMA tupleElement)+ RPAREN
    ;
    finally { ExitNesting(); }

tupleElement
    : type identifier?
    ;

arraySuffix
    : LBRACKET COMMA* RBRACKET QUESTION?
    ;
