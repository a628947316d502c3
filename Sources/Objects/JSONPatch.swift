/// A JSON Patch (RFC 6902): a list of operations addressed by JSON Pointers (RFC 6901).
///
/// All six operations are supported: `add`, `remove`, `replace`, `move`, `copy` and
/// `test`. A patch applies atomically: either every operation succeeds, or `apply`
/// throws and nothing is returned. `test` compares with `Value`'s `==`, so map member
/// order does not matter but `1` (an integer) and `1.0` (a number) differ.
public struct JSONPatch: Sendable {
  /// The parsed operations, in order.
  let operations: [Operation]

  /// Parses a patch document: an array of operation objects.
  ///
  /// Unknown members of an operation are ignored, as RFC 6902 requires.
  public init(_ value: Value) throws(JSONPatchError) {
    guard case .list(let list) = value else {
      throw JSONPatchError(
        message: "a JSON patch must be an array of operations, found \(value.typeName)")
    }
    var operations: [Operation] = []
    operations.reserveCapacity(list.count)
    for (index, element) in list.enumerated() {
      operations.append(try Operation(parsing: element, index: index))
    }
    self.operations = operations
  }

  /// Parses a patch document from JSON text.
  public init(json: String) throws(JSONPatchError) {
    let value: Value
    do {
      value = try JSON.decode(json)
    } catch {
      throw JSONPatchError(message: "invalid JSON: \(error)")
    }
    try self.init(value)
  }

  /// Applies every operation in order to a copy of `target` and returns the result.
  public func apply(to target: Value) throws(JSONPatchError) -> Value {
    var document = target
    for (index, operation) in operations.enumerated() {
      do {
        try operation.apply(to: &document)
      } catch {
        throw JSONPatchError(
          index: index, op: operation.kind.rawValue, path: operation.path.text,
          message: error.message)
      }
    }
    return document
  }
}

/// Why a JSON patch could not be parsed or applied.
///
/// Renders as `operation 2 (test /spec/replicas): value mismatch: expected 3, found 5`.
public struct JSONPatchError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The 0-based index of the failing operation; nil when the document as a whole is bad.
  public var index: Int?
  /// The operation's `op` as written, when it has one.
  public var op: String?
  /// The operation's `path` as written, when it has one.
  public var path: String?
  /// What went wrong.
  public var message: String

  /// An error about operation `index` (or the whole patch, when nil).
  public init(index: Int? = nil, op: String? = nil, path: String? = nil, message: String) {
    self.index = index
    self.op = op
    self.path = path
    self.message = message
  }

  public var description: String {
    guard let index else { return message }
    var parts: [String] = []
    if let op { parts.append(op) }
    if let path { parts.append(path.isEmpty ? "\"\"" : path) }
    let subject = parts.isEmpty ? "" : " (\(parts.joined(separator: " ")))"
    return "operation \(index)\(subject): \(message)"
  }
}

// MARK: - Operations

/// A failure inside one operation; `JSONPatch.apply` adds which operation it was.
struct JSONPatchFailure: Error {
  var message: String
  init(_ message: String) { self.message = message }
}

extension JSONPatch {
  struct Operation: Sendable {
    enum Kind: String, Sendable {
      case add, remove, replace, move, copy, test
    }

    var kind: Kind
    var path: JSONPointer
    var from: JSONPointer?
    var value: Value?

    init(parsing element: Value, index: Int) throws(JSONPatchError) {
      guard case .map(let members) = element else {
        throw JSONPatchError(
          index: index, message: "an operation must be an object, found \(element.typeName)")
      }
      let opValue = members["op"]
      let pathValue = members["path"]
      let opText = opValue?.stringValue
      let pathText = pathValue?.stringValue
      func fail(_ message: String) -> JSONPatchError {
        JSONPatchError(index: index, op: opText, path: pathText, message: message)
      }
      guard let opValue else { throw fail("missing \"op\"") }
      guard let opText else { throw fail("\"op\" must be a string, found \(opValue.typeName)") }
      guard let kind = Kind(rawValue: opText) else { throw fail("unknown op \"\(opText)\"") }
      guard let pathValue else { throw fail("missing \"path\"") }
      guard let pathText else {
        throw fail("\"path\" must be a string, found \(pathValue.typeName)")
      }
      do {
        path = try JSONPointer(parsing: pathText)
      } catch {
        throw fail("invalid \"path\": \(error.message)")
      }
      self.kind = kind
      switch kind {
      case .add, .replace, .test:
        guard let value = members["value"] else { throw fail("missing \"value\"") }
        self.value = value
      case .move, .copy:
        guard let fromValue = members["from"] else { throw fail("missing \"from\"") }
        guard case .string(let fromText) = fromValue else {
          throw fail("\"from\" must be a string, found \(fromValue.typeName)")
        }
        do {
          from = try JSONPointer(parsing: fromText)
        } catch {
          throw fail("invalid \"from\" \(JSON.encode(fromValue)): \(error.message)")
        }
      case .remove:
        break
      }
    }

    func apply(to document: inout Value) throws(JSONPatchFailure) {
      switch kind {
      case .add:
        try document.add(value!, at: path.tokens[...])
      case .remove:
        guard !path.tokens.isEmpty else { throw JSONPatchFailure("cannot remove the root") }
        _ = try document.remove(at: path.tokens[...])
      case .replace:
        try document.replace(at: path.tokens[...], with: value!)
      case .move:
        let from = from!
        if from.tokens == path.tokens {
          _ = try fromLookup(document, from)
          return
        }
        if path.tokens.starts(with: from.tokens) {
          throw JSONPatchFailure("cannot move \(from.quoted) into its own child")
        }
        let moved: Value
        do {
          moved = try document.remove(at: from.tokens[...])
        } catch {
          throw JSONPatchFailure("\"from\" \(error.message)")
        }
        try document.add(moved, at: path.tokens[...])
      case .copy:
        try document.add(try fromLookup(document, from!), at: path.tokens[...])
      case .test:
        let found = try document.lookup(path.tokens[...])
        guard let expected = value, found != expected else { return }
        var wanted = expected.description
        var got = found.description
        if wanted == got {  // 3 (an integer) and 3.0 (a number) print alike
          wanted += " (\(expected.typeName))"
          got += " (\(found.typeName))"
        }
        throw JSONPatchFailure("value mismatch: expected \(wanted), found \(got)")
      }
    }

    private func fromLookup(_ document: Value, _ from: JSONPointer) throws(JSONPatchFailure)
      -> Value
    {
      do {
        return try document.lookup(from.tokens[...])
      } catch {
        throw JSONPatchFailure("\"from\" \(error.message)")
      }
    }
  }
}

// MARK: - JSON Pointer

/// A parsed JSON Pointer (RFC 6901): `/a/b~1c` is the tokens `a` and `b/c`.
struct JSONPointer: Sendable, Hashable {
  /// The pointer as written.
  var text: String
  /// The unescaped reference tokens; empty for the root.
  var tokens: [String]

  init(parsing text: String) throws(JSONPatchFailure) {
    self.text = text
    tokens = []
    if text.isEmpty { return }
    guard text.utf8.first == UInt8(ascii: "/") else {
      throw JSONPatchFailure("must be empty or start with \"/\"")
    }
    for raw in text.utf8.dropFirst().split(
      separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
    {
      var bytes: [UInt8] = []
      bytes.reserveCapacity(raw.count)
      var escaped = false
      for b in raw {
        if escaped {
          switch b {
          case UInt8(ascii: "0"): bytes.append(UInt8(ascii: "~"))
          case UInt8(ascii: "1"): bytes.append(UInt8(ascii: "/"))
          default:
            throw JSONPatchFailure("\"~\" must be followed by \"0\" or \"1\"")
          }
          escaped = false
        } else if b == UInt8(ascii: "~") {
          escaped = true
        } else {
          bytes.append(b)
        }
      }
      if escaped {
        throw JSONPatchFailure("\"~\" must be followed by \"0\" or \"1\"")
      }
      tokens.append(String(decoding: bytes, as: UTF8.self))
    }
  }

  /// The pointer quoted for messages: `"/a/b"`.
  var quoted: String { JSON.encode(.string(text)) }
}

// MARK: - Pointer operations on values

extension Value {
  /// A token as a list index below `count` (or equal to it, with `allowEnd`, for insertion).
  fileprivate static func listIndex(_ token: String, count: Int, allowEnd: Bool = false)
    throws(JSONPatchFailure) -> Int
  {
    let quoted = JSON.encode(.string(token))
    if token == "-" {
      if allowEnd { return count }
      throw JSONPatchFailure("path not found: \"-\" refers past the end of the array")
    }
    let digits = token.utf8
    guard let first = digits.first,
      digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
      first != UInt8(ascii: "0") || digits.count == 1
    else {
      throw JSONPatchFailure("invalid array index \(quoted)")
    }
    let index = Int(token) ?? Int.max
    if index < count || (allowEnd && index == count) { return index }
    throw JSONPatchFailure(
      "path not found: index \(token) out of range (array has \(count) elements)")
  }

  fileprivate func noMember(_ token: String) -> JSONPatchFailure {
    let quoted = JSON.encode(.string(token))
    if case .map = self { return JSONPatchFailure("path not found: no member \(quoted)") }
    return JSONPatchFailure("path not found: \(typeName) has no member \(quoted)")
  }

  /// The value at `tokens`.
  fileprivate func lookup(_ tokens: ArraySlice<String>) throws(JSONPatchFailure) -> Value {
    var current = self
    for token in tokens {
      switch current {
      case .map(let m):
        guard let next = m[token] else { throw current.noMember(token) }
        current = next
      case .list(let l):
        current = l[try Value.listIndex(token, count: l.count)]
      default:
        throw current.noMember(token)
      }
    }
    return current
  }

  /// Runs `body` on the container holding the last token of `tokens` (which must be
  /// non-empty), descending without copying shared storage more than needed.
  fileprivate mutating func withParent<R>(
    of tokens: ArraySlice<String>,
    _ body: (inout Value, String) throws(JSONPatchFailure) -> R
  ) throws(JSONPatchFailure) -> R {
    let token = tokens.first!
    let rest = tokens.dropFirst()
    if rest.isEmpty { return try body(&self, token) }
    switch self {
    case .map(var m):
      guard var child = m[token] else { throw noMember(token) }
      self = .null
      m[token] = .null
      defer {
        m[token] = child
        self = .map(m)
      }
      return try child.withParent(of: rest, body)
    case .list(var l):
      let i = try Value.listIndex(token, count: l.count)
      self = .null
      var child = l[i]
      l[i] = .null
      defer {
        l[i] = child
        self = .list(l)
      }
      return try child.withParent(of: rest, body)
    default:
      throw noMember(token)
    }
  }

  /// RFC 6902 `add`: sets a member, inserts into a list (`-` appends), or replaces the root.
  fileprivate mutating func add(_ value: Value, at tokens: ArraySlice<String>)
    throws(JSONPatchFailure)
  {
    guard !tokens.isEmpty else {
      self = value
      return
    }
    try withParent(of: tokens) { (parent, token) throws(JSONPatchFailure) in
      switch parent {
      case .map(var m):
        parent = .null
        m[token] = value
        parent = .map(m)
      case .list(var l):
        let i = try Value.listIndex(token, count: l.count, allowEnd: true)
        parent = .null
        l.insert(value, at: i)
        parent = .list(l)
      default:
        throw parent.noMember(token)
      }
    }
  }

  /// RFC 6902 `remove` of a non-root location; returns the removed value.
  fileprivate mutating func remove(at tokens: ArraySlice<String>) throws(JSONPatchFailure)
    -> Value
  {
    try withParent(of: tokens) { (parent, token) throws(JSONPatchFailure) -> Value in
      switch parent {
      case .map(var m):
        guard m[token] != nil else { throw parent.noMember(token) }
        parent = .null
        let removed = m.removeValue(forKey: token)!
        parent = .map(m)
        return removed
      case .list(var l):
        let i = try Value.listIndex(token, count: l.count)
        parent = .null
        let removed = l.remove(at: i)
        parent = .list(l)
        return removed
      default:
        throw parent.noMember(token)
      }
    }
  }

  /// RFC 6902 `replace`: the location must exist; a member keeps its position.
  fileprivate mutating func replace(at tokens: ArraySlice<String>, with value: Value)
    throws(JSONPatchFailure)
  {
    guard !tokens.isEmpty else {
      self = value
      return
    }
    try withParent(of: tokens) { (parent, token) throws(JSONPatchFailure) in
      switch parent {
      case .map(var m):
        guard m[token] != nil else { throw parent.noMember(token) }
        parent = .null
        m[token] = value
        parent = .map(m)
      case .list(var l):
        let i = try Value.listIndex(token, count: l.count)
        parent = .null
        l[i] = value
        parent = .list(l)
      default:
        throw parent.noMember(token)
      }
    }
  }
}
