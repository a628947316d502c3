/// Options for `CELParser.parse`.
public struct CELParserOptions: Sendable {
  /// Expand macros (`has`, `all`, `exists`, `exists_one`, `map`, `filter`, the
  /// two-variable comprehensions, `cel.bind`, `optMap`, `optFlatMap`, `cel.block`). When
  /// false they stay ordinary calls.
  public var macros: Bool
  /// The deepest nesting accepted: nested expressions plus chains of the same operator
  /// (`a.b.c`, `1 + 2 + 3`). Deeper input is an error, never a stack overflow.
  public var maxRecursionDepth: Int
  /// The longest expression accepted, in UTF-8 bytes.
  public var maxExpressionSize: Int
  /// Accept `a.?b`, `a[?b]`, `[?e]` and `{?k: v}`.
  public var enableOptionalSyntax: Bool

  public init(
    macros: Bool = true, maxRecursionDepth: Int = 250, maxExpressionSize: Int = 100_000,
    enableOptionalSyntax: Bool = true
  ) {
    self.macros = macros
    self.maxRecursionDepth = maxRecursionDepth
    self.maxExpressionSize = maxExpressionSize
    self.enableOptionalSyntax = enableOptionalSyntax
  }
}

/// Parses CEL source text into a `ParsedExpr` (cel-spec langdef grammar, cel-go AST
/// shapes). Operators become calls (`_+_`, `_[_]`, `_?_:_`, ...) and macros are expanded
/// (see `CELMacros.swift`). Message construction (`Name{f: v}`) is rejected.
public enum CELParser {
  /// Parses `text`. On failure the error lists the problems found, with locations: all
  /// invalid literals, reserved names and macro misuses before the first syntax error, which
  /// ends the parse.
  public static func parse(_ text: String, options: CELParserOptions = .init())
    throws(CELParseError) -> ParsedExpr
  {
    let bytes = Array(text.utf8)
    if bytes.count > options.maxExpressionSize {
      let message =
        "expression size exceeds limit: size: \(bytes.count), limit \(options.maxExpressionSize)"
      throw CELParseError(source: text, messages: [(message, 0)])
    }
    var state = State(bytes: bytes, options: options)
    var result: Expr?
    do {
      let expr = try state.parseExpr()
      if state.current.kind != .eof {
        throw state.expectationFailure("<EOF>")
      }
      result = expr
    } catch {
      result = nil
    }
    guard let expr = result, state.issues.isEmpty else {
      throw CELParseError(source: text, messages: state.issues)
    }
    return ParsedExpr(expr: expr, source: CELSource(text: text, offsets: state.offsets))
  }
}

/// Thrown inside the parser to unwind after a syntax error (already recorded).
struct CELSyntaxAbort: Error {}

extension CELParser {
  /// The recursive-descent parser's state. Syntax errors are recorded and unwind the
  /// parse; other errors (bad literals, reserved words, macro misuse) are recorded and
  /// parsing goes on, so that one parse reports them all.
  struct State {
    let lexer: CELLexer
    let tokens: [CELToken]
    let lexError: String
    let options: CELParserOptions
    var index = 0
    var nextID: Int64 = 1
    var offsets: [Int64: Int] = [:]
    var issues: [(message: String, offset: Int)] = []
    var depth = 0

    init(bytes: [UInt8], options: CELParserOptions) {
      let (tokens, error) = CELLexer.tokenize(bytes)
      self.lexer = CELLexer(bytes: bytes)
      self.tokens = tokens
      self.lexError = error
      self.options = options
    }

    static let maxIssues = 100
    static let expressionStart =
      "{'[', '{', '(', '.', '-', '!', 'true', 'false', 'null', NUM_FLOAT, NUM_INT, NUM_UINT, "
      + "STRING, BYTES, IDENTIFIER}"
    static let reservedWords: Set<String> = [
      "as", "break", "const", "continue", "else", "for", "function", "if", "import", "let",
      "loop", "package", "namespace", "return", "var", "void", "while",
    ]

    // MARK: Tokens

    var current: CELToken { tokens[index] }

    func peek(_ ahead: Int = 1) -> CELToken {
      tokens[min(index + ahead, tokens.count - 1)]
    }

    @discardableResult
    mutating func advance() -> CELToken {
      let token = tokens[index]
      if index < tokens.count - 1 { index += 1 }
      return token
    }

    mutating func expect(_ kind: CELTokenKind, _ name: String) throws(CELSyntaxAbort)
      -> CELToken
    {
      guard current.kind == kind else { throw expectationFailure(name) }
      return advance()
    }

    /// The syntax error for an unexpected current token.
    @inline(never)
    mutating func expectationFailure(_ expected: String) -> CELSyntaxAbort {
      syntaxError("mismatched input \(describe(current)) expecting \(expected)")
    }

    func describe(_ token: CELToken) -> String {
      if token.kind == .eof { return "'<EOF>'" }
      return "'" + CELLexer.text(lexer.bytes[token.start..<token.end], limit: 32) + "'"
    }

    // MARK: Errors

    /// Records an error that does not stop the parse.
    mutating func report(_ message: String, at offset: Int) {
      if issues.count < Self.maxIssues { issues.append((message, offset)) }
    }

    /// Records a syntax error at the current token and returns the error that unwinds.
    mutating func syntaxError(_ message: String) -> CELSyntaxAbort {
      if current.kind == .invalid {
        report("Syntax error: \(lexError)", at: current.start)
      } else {
        report("Syntax error: \(message)", at: current.start)
      }
      return CELSyntaxAbort()
    }

    mutating func enter(_ levels: Int = 1) throws(CELSyntaxAbort) {
      depth += levels
      if depth > options.maxRecursionDepth {
        report(
          "expression recursion limit exceeded: \(options.maxRecursionDepth)",
          at: current.start)
        throw CELSyntaxAbort()
      }
    }

    // MARK: Nodes

    mutating func node(_ kind: Expr.Kind, at offset: Int) -> Expr {
      let id = nextID
      nextID += 1
      offsets[id] = offset
      return Expr(id: id, kind)
    }

    mutating func call(_ function: String, _ args: [Expr], target: Expr? = nil, at offset: Int)
      -> Expr
    {
      node(.call(target: target, function: function, args: args), at: offset)
    }

    /// The placeholder for a part of the expression that is in error.
    mutating func errorNode(at offset: Int) -> Expr {
      node(.ident("*error*"), at: offset)
    }

    // MARK: Grammar

    // The grammar is parsed with few stack frames per nesting level (expr, logical,
    // binary, unary/member, primary), so that the deepest accepted input fits a small
    // thread stack.

    /// `expr: conditionalOr ('?' conditionalOr ':' expr)?`
    mutating func parseExpr() throws(CELSyntaxAbort) -> Expr {
      try enter()
      defer { depth -= 1 }
      let condition = try parseLogical()
      guard current.kind == .question else { return condition }
      let question = advance()
      let then = try parseLogical()
      _ = try expect(.colon, "':'")
      let otherwise = try parseExpr()
      return call("_?_:_", [condition, then, otherwise], at: question.start)
    }

    /// `conditionalOr: conditionalAnd ('||' conditionalAnd)*` and `conditionalAnd:
    /// relation ('&&' relation)*`, each chain built as a balanced tree (as cel-go does).
    mutating func parseLogical() throws(CELSyntaxAbort) -> Expr {
      let first = try parseBinary(1)
      let kind = current.kind
      guard kind == .logicalAnd || kind == .logicalOr else { return first }
      return try parseLogicalChains(first)
    }

    @inline(never)
    mutating func parseLogicalChains(_ first: Expr) throws(CELSyntaxAbort) -> Expr {
      var orTerms: [Expr] = []
      var orOps: [Int] = []
      var andTerms = [first]
      var andOps: [Int] = []
      while true {
        if current.kind == .logicalAnd {
          andOps.append(advance().start)
          andTerms.append(try parseBinary(1))
          continue
        }
        orTerms.append(
          andOps.isEmpty ? andTerms[0] : balanced("_&&_", andTerms, andOps, 0, andOps.count - 1))
        guard current.kind == .logicalOr else { break }
        orOps.append(advance().start)
        andTerms = [try parseBinary(1)]
        andOps.removeAll(keepingCapacity: true)
      }
      if orOps.isEmpty { return orTerms[0] }
      return balanced("_||_", orTerms, orOps, 0, orOps.count - 1)
    }

    /// A balanced tree of a logical operator over `terms`, as cel-go builds it.
    mutating func balanced(_ function: String, _ terms: [Expr], _ ops: [Int], _ lo: Int, _ hi: Int)
      -> Expr
    {
      let mid = (lo + hi + 1) / 2
      let left = mid == lo ? terms[mid] : balanced(function, terms, ops, lo, mid - 1)
      let right = mid == hi ? terms[mid + 1] : balanced(function, terms, ops, mid + 1, hi)
      return call(function, [left, right], at: ops[mid])
    }

    /// The function and precedence level (relations 1, addition 2, multiplication 3) of a
    /// binary operator token.
    static func binaryOperator(_ kind: CELTokenKind) -> (function: String, level: Int)? {
      switch kind {
      case .less: return ("_<_", 1)
      case .lessEquals: return ("_<=_", 1)
      case .greater: return ("_>_", 1)
      case .greaterEquals: return ("_>=_", 1)
      case .equals: return ("_==_", 1)
      case .notEquals: return ("_!=_", 1)
      case .inKeyword: return ("@in", 1)
      case .plus: return ("_+_", 2)
      case .minus: return ("_-_", 2)
      case .star: return ("_*_", 3)
      case .slash: return ("_/_", 3)
      case .percent: return ("_%_", 3)
      default: return nil
      }
    }

    /// `relation`, `calc`: left-associative binary operators of level `minLevel` and
    /// above, by precedence climbing.
    mutating func parseBinary(_ minLevel: Int) throws(CELSyntaxAbort) -> Expr {
      var lhs = try parseUnary()
      var chain = 0
      defer { depth -= chain }
      while let (function, level) = Self.binaryOperator(current.kind), level >= minLevel {
        let op = advance()
        chain += 1
        try enter()
        let rhs = level == 3 ? try parseUnary() : try parseBinary(level + 1)
        lhs = call(function, [lhs, rhs], at: op.start)
      }
      return lhs
    }

    /// `unary: member | '!'+ member | '-'+ member`. As in cel-go, an even run of the same
    /// operator cancels out, and a `-` just before a number is the literal's sign.
    mutating func parseUnary() throws(CELSyntaxAbort) -> Expr {
      let kind = current.kind
      guard kind == .exclamation || kind == .minus else { return try parseMember() }
      let first = current
      var count = 0
      while current.kind == kind {
        let next = peek().kind
        if kind == .minus, next == .intLiteral || next == .doubleLiteral { break }
        count += 1
        advance()
      }
      let operand = try parseMember()
      guard count % 2 == 1 else { return operand }
      return call(kind == .minus ? "-_" : "!_", [operand], at: first.start)
    }

    /// `member: primary ('.' '?'? field | '.' IDENTIFIER '(' exprList? ')' |
    /// '[' '?'? expr ']')*`
    mutating func parseMember() throws(CELSyntaxAbort) -> Expr {
      var expr = try parsePrimary()
      var chain = 0
      defer { depth -= chain }
      while true {
        switch current.kind {
        case .dot:
          expr = try parseSelectOrCall(expr)
        case .leftBracket:
          expr = try parseIndex(expr)
        case .leftBrace where isQualifiedName(expr):
          expr = try parseMessageConstruction()
        default:
          return expr
        }
        chain += 1
        try enter()
      }
    }

    /// `.field`, `.?field` or `.function(args)` after `operand`.
    @inline(never)
    mutating func parseSelectOrCall(_ operand: Expr) throws(CELSyntaxAbort) -> Expr {
      let dot = advance()
      var optional = false
      if current.kind == .question {
        optional = true
        let question = advance()
        if !options.enableOptionalSyntax {
          report("unsupported syntax '.?'", at: question.start)
        }
      }
      let token = current
      let name: String
      switch token.kind {
      case .identifier:
        advance()
        name = lexer.identifier(token)
        if !optional, current.kind == .leftParen {
          let paren = advance()
          let args = try parseArguments()
          return receiverCallOrMacro(name, target: operand, args: args, at: paren.start)
        }
      case .escapedIdentifier:
        advance()
        name = lexer.escapedIdentifier(token)
      default:
        throw expectationFailure("IDENTIFIER")
      }
      return node(
        .select(operand: operand, field: name, testOnly: false, optional: optional),
        at: dot.start)
    }

    /// `[index]` or `[?index]` after `operand`.
    @inline(never)
    mutating func parseIndex(_ operand: Expr) throws(CELSyntaxAbort) -> Expr {
      let bracket = advance()
      var optional = false
      if current.kind == .question {
        optional = true
        let question = advance()
        if !options.enableOptionalSyntax {
          report("unsupported syntax '[?'", at: question.start)
        }
      }
      let index = try parseExpr()
      _ = try expect(.rightBracket, "']'")
      return call(optional ? "_[?_]" : "_[_]", [operand, index], at: bracket.start)
    }

    /// True for `a`, `.a` and `a.b.c`: what may name a message type.
    func isQualifiedName(_ expr: Expr) -> Bool {
      var e = expr
      while true {
        switch e.kind {
        case .ident: return true
        case .select(let operand, _, false, false): e = operand
        default: return false
        }
      }
    }

    /// `Name{field: value, ...}`: parsed so that what follows can be checked, and
    /// rejected.
    @inline(never)
    mutating func parseMessageConstruction() throws(CELSyntaxAbort) -> Expr {
      let brace = advance()
      report("message construction is not supported", at: brace.start)
      while current.kind != .rightBrace {
        if current.kind == .question { advance() }
        guard current.kind == .identifier || current.kind == .escapedIdentifier else {
          throw expectationFailure("IDENTIFIER")
        }
        advance()
        _ = try expect(.colon, "':'")
        _ = try parseExpr()
        guard current.kind == .comma else { break }
        advance()
      }
      _ = try expect(.rightBrace, "'}'")
      return errorNode(at: brace.start)
    }

    mutating func parsePrimary() throws(CELSyntaxAbort) -> Expr {
      switch current.kind {
      case .identifier, .dot:
        return try parseIdentOrCall()
      case .leftParen:
        advance()
        let expr = try parseExpr()
        if current.kind != .rightParen { throw expectationFailure("')'") }
        advance()
        return expr
      case .leftBracket:
        return try parseList()
      case .leftBrace:
        return try parseMap()
      default:
        return try parseLiteral()
      }
    }

    /// `'.'? IDENTIFIER ('(' exprList? ')')?`
    @inline(never)
    mutating func parseIdentOrCall() throws(CELSyntaxAbort) -> Expr {
      let token = current
      var name = ""
      if token.kind == .dot {
        advance()
        guard current.kind == .identifier else { throw expectationFailure("IDENTIFIER") }
        name = "."
      }
      let identifier = advance()
      let id = lexer.identifier(identifier)
      if Self.reservedWords.contains(id) {
        report("reserved identifier: \(id)", at: identifier.start)
      }
      name += id
      if current.kind == .leftParen {
        let paren = advance()
        let args = try parseArguments()
        return globalCallOrMacro(name, args: args, at: paren.start)
      }
      return node(.ident(name), at: token.start)
    }

    /// A literal, or a syntax error when the current token starts no expression.
    @inline(never)
    mutating func parseLiteral() throws(CELSyntaxAbort) -> Expr {
      let token = current
      switch token.kind {
      case .minus:
        let number = peek()
        guard number.kind == .intLiteral || number.kind == .doubleLiteral else { break }
        advance()
        advance()
        return numberLiteral(number, negative: true, at: token.start)
      case .intLiteral, .doubleLiteral:
        advance()
        return numberLiteral(token, negative: false, at: token.start)
      case .uintLiteral:
        advance()
        guard let value = lexer.integerMagnitude(token) else {
          report("invalid uint literal", at: token.start)
          return errorNode(at: token.start)
        }
        return node(.literal(.uint(value)), at: token.start)
      case .stringLiteral, .bytesLiteral:
        advance()
        switch lexer.quotedValue(token) {
        case .success(let value):
          return node(.literal(value), at: token.start)
        case .failure(let error):
          report(error.message, at: error.offset)
          return errorNode(at: token.start)
        }
      case .trueKeyword:
        advance()
        return node(.literal(.bool(true)), at: token.start)
      case .falseKeyword:
        advance()
        return node(.literal(.bool(false)), at: token.start)
      case .nullKeyword:
        advance()
        return node(.literal(.null), at: token.start)
      default:
        break
      }
      throw expectationFailure(Self.expressionStart)
    }

    mutating func numberLiteral(_ token: CELToken, negative: Bool, at offset: Int) -> Expr {
      if token.kind == .doubleLiteral {
        guard let value = lexer.doubleValue(token) else {
          report("invalid double literal", at: offset)
          return errorNode(at: offset)
        }
        return node(.literal(.double(negative ? -value : value)), at: offset)
      }
      let limit = negative ? UInt64(Int64.max) + 1 : UInt64(Int64.max)
      guard let magnitude = lexer.integerMagnitude(token), magnitude <= limit else {
        report("invalid int literal", at: offset)
        return errorNode(at: offset)
      }
      let value = negative ? Int64(truncatingIfNeeded: 0 &- magnitude) : Int64(magnitude)
      return node(.literal(.int(value)), at: offset)
    }

    /// Arguments after `(`, through `)`.
    mutating func parseArguments() throws(CELSyntaxAbort) -> [Expr] {
      var args: [Expr] = []
      if current.kind == .rightParen {
        advance()
        return args
      }
      while true {
        args.append(try parseExpr())
        guard current.kind == .comma else { break }
        advance()
      }
      _ = try expect(.rightParen, "')'")
      return args
    }

    /// `[e, ?e, ...]`, a trailing comma allowed.
    mutating func parseList() throws(CELSyntaxAbort) -> Expr {
      let bracket = advance()
      var elements: [Expr] = []
      var optionalIndices: [Int] = []
      while current.kind != .rightBracket {
        if current.kind == .question {
          let question = advance()
          if !options.enableOptionalSyntax {
            report("unsupported syntax '?'", at: question.start)
          }
          optionalIndices.append(elements.count)
        }
        elements.append(try parseExpr())
        guard current.kind == .comma else { break }
        advance()
      }
      _ = try expect(.rightBracket, "']'")
      return node(.list(elements: elements, optionalIndices: optionalIndices), at: bracket.start)
    }

    /// `{k: v, ?k: v, ...}`, a trailing comma allowed.
    mutating func parseMap() throws(CELSyntaxAbort) -> Expr {
      let brace = advance()
      var entries: [Expr.MapEntry] = []
      while current.kind != .rightBrace {
        var optional = false
        if current.kind == .question {
          optional = true
          let question = advance()
          if !options.enableOptionalSyntax {
            report("unsupported syntax '?'", at: question.start)
          }
        }
        let key = try parseExpr()
        let colon = try expect(.colon, "':'")
        let value = try parseExpr()
        let id = nextID
        nextID += 1
        offsets[id] = colon.start
        entries.append(Expr.MapEntry(id: id, key: key, value: value, optional: optional))
        guard current.kind == .comma else { break }
        advance()
      }
      _ = try expect(.rightBrace, "'}'")
      return node(.map(entries: entries), at: brace.start)
    }

    @inline(never)
    mutating func globalCallOrMacro(_ function: String, args: [Expr], at offset: Int) -> Expr {
      if options.macros, let expanded = expandGlobalMacro(function, args: args, at: offset) {
        return expanded
      }
      return call(function, args, at: offset)
    }

    @inline(never)
    mutating func receiverCallOrMacro(
      _ function: String, target: Expr, args: [Expr], at offset: Int
    ) -> Expr {
      if options.macros,
        let expanded = expandReceiverMacro(function, target: target, args: args, at: offset)
      {
        return expanded
      }
      return call(function, args, target: target, at: offset)
    }
  }
}
