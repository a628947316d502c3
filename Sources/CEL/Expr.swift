/// A parsed CEL expression (the AST), shaped like cel-go's: operators are calls of
/// functions named `_+_`, `_==_`, `!_`, `-_`, `_?_:_`, `_[_]`, `_[?_]`, `@in`, `_&&_`,
/// `_||_`; macros (`has`, `all`, `exists`, `exists_one`, `map`, `filter`, `cel.bind`,
/// two-variable comprehensions, `optMap`, `optFlatMap`) are already expanded.
/// Every node has an id, unique within its expression, that maps to a source offset.
public struct Expr: Sendable {
  public var id: Int64
  public var kind: Kind

  public init(id: Int64, _ kind: Kind) {
    self.id = id
    self.kind = kind
  }

  public indirect enum Kind: Sendable {
    /// null, bool, int, uint, double, string or bytes.
    case literal(CELValue)
    /// A name, possibly qualified later by the checker (`a.b.c` parses as selects).
    case ident(String)
    /// `operand.field`; `testOnly` for `has(operand.field)`; `optional` for `operand.?field`.
    case select(operand: Expr, field: String, testOnly: Bool, optional: Bool)
    /// A global function (`target == nil`) or a receiver-style call `target.f(args)`.
    case call(target: Expr?, function: String, args: [Expr])
    /// `[a, ?b]`: elements, and the positions of those marked optional.
    case list(elements: [Expr], optionalIndices: [Int])
    /// `{k: v, ?k2: v2}`.
    case map(entries: [MapEntry])
    /// A fold, what every comprehension macro expands to.
    case comprehension(Comprehension)
  }

  /// One entry of a map literal.
  public struct MapEntry: Sendable {
    public var id: Int64
    public var key: Expr
    public var value: Expr
    public var optional: Bool

    public init(id: Int64, key: Expr, value: Expr, optional: Bool) {
      self.id = id
      self.key = key
      self.value = value
      self.optional = optional
    }
  }

  /// `for iterVar[, iterVar2] in iterRange: accuVar = accuInit; while loopCondition:
  /// accuVar = loopStep; result`. With two variables, over a list they are (index,
  /// element) and over a map (key, value).
  public struct Comprehension: Sendable {
    public var iterVar: String
    public var iterVar2: String?
    public var iterRange: Expr
    public var accuVar: String
    public var accuInit: Expr
    public var loopCondition: Expr
    public var loopStep: Expr
    public var result: Expr

    public init(
      iterVar: String, iterVar2: String? = nil, iterRange: Expr, accuVar: String,
      accuInit: Expr, loopCondition: Expr, loopStep: Expr, result: Expr
    ) {
      self.iterVar = iterVar
      self.iterVar2 = iterVar2
      self.iterRange = iterRange
      self.accuVar = accuVar
      self.accuInit = accuInit
      self.loopCondition = loopCondition
      self.loopStep = loopStep
      self.result = result
    }
  }
}

/// The source text of an expression and where each node came from.
public struct CELSource: Sendable {
  public var text: String
  /// Node id → UTF-8 byte offset of the node in `text`.
  public var offsets: [Int64: Int]

  public init(text: String, offsets: [Int64: Int] = [:]) {
    self.text = text
    self.offsets = offsets
  }

  /// 1-based line and column (in characters) of a byte offset.
  public func location(ofOffset offset: Int) -> (line: Int, column: Int) {
    var line = 1
    var column = 1
    var i = 0
    for b in text.utf8 {
      if i >= offset { break }
      if b == 0x0A {
        line += 1
        column = 1
      } else if b & 0xC0 != 0x80 {
        column += 1
      }
      i += 1
    }
    return (line, column)
  }

  /// 1-based line and column of node `id`, when known.
  public func location(of id: Int64) -> (line: Int, column: Int)? {
    offsets[id].map { location(ofOffset: $0) }
  }

  /// The line of `text` holding `offset` and a caret under its column, cel-go style:
  /// ```
  ///  | a + b +
  ///  | .......^
  /// ```
  public func excerpt(atOffset offset: Int) -> String {
    let (line, column) = location(ofOffset: offset)
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    guard line - 1 < lines.count else { return "" }
    let src = lines[line - 1]
    return " | \(src)\n | " + String(repeating: ".", count: max(0, column - 1)) + "^"
  }
}

/// A parsed expression with its source.
public struct ParsedExpr: Sendable {
  public var expr: Expr
  public var source: CELSource

  public init(expr: Expr, source: CELSource) {
    self.expr = expr
    self.source = source
  }
}
