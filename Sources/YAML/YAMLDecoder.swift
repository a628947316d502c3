import CYAML
import Objects

/// Decodes YAML streams with the system libyaml into `Value`s, keeping the source
/// position of every node. Scalars resolve as Kubernetes resolves them (see
/// `ScalarResolver`). Anchors and aliases work; an alias bomb is refused once aliases
/// have expanded to `maxAliasExpansion` nodes, before memory runs out.
public struct YAMLDecoder: Sendable {
  /// The most nodes that aliases may expand to in one document.
  public var maxAliasExpansion: Int

  public init(maxAliasExpansion: Int = 100_000) {
    self.maxAliasExpansion = maxAliasExpansion
  }

  /// Every document of the stream (an empty document decodes as `.null`), or the first
  /// error.
  public func decode(_ bytes: [UInt8], file: String? = nil) throws(YAMLError) -> [ParsedDocument] {
    let result = decodeCollectingErrors(bytes, file: file)
    if let first = result.errors.first { throw first }
    return result.documents
  }

  /// Decodes what it can: documents with an error are left out and their errors listed,
  /// in stream order. A syntax error ends the stream (libyaml cannot resume after one).
  public func decodeCollectingErrors(_ bytes: [UInt8], file: String? = nil) -> YAMLStream {
    bytes.withUnsafeBufferPointer { buf in
      var builder = YAMLStreamBuilder(input: buf, file: file, maxAliasExpansion: maxAliasExpansion)
      return builder.run()
    }
  }
}

/// The outcome of decoding a stream: the documents that decoded, and every error.
public struct YAMLStream: Sendable {
  public var documents: [ParsedDocument]
  public var errors: [YAMLError]
}

/// One node under construction: a mapping or a sequence.
private struct Frame {
  var isMap: Bool
  var position: SourcePosition
  var anchor: String?
  var map = ValueMap()
  var list: [Value] = []
  var keyPositions: [SourcePosition] = []
  var children: [SourceNode] = []
  var pendingKey: String?
  var pendingKeyPosition = SourcePosition(line: 0, column: 0)
  var pendingIsMerge = false
  var mergedKeys: Set<String> = []
  var nodeCount = 1

  init(isMap: Bool, position: SourcePosition, anchor: String?) {
    self.isMap = isMap
    self.position = position
    self.anchor = anchor
  }
}

private struct Anchored {
  var value: Value
  var node: SourceNode
  var count: Int
}

private struct YAMLStreamBuilder {
  let input: UnsafeBufferPointer<UInt8>
  let file: String?
  let maxAliasExpansion: Int

  var documents: [ParsedDocument] = []
  var errors: [YAMLError] = []
  var stack: [Frame] = []
  var anchors: [String: Anchored] = [:]
  var documentIndex = -1
  var documentStart = SourcePosition(line: 1, column: 1)
  var documentFailed = false
  var skipDepth = 0  // > 0 while skipping the rest of a failed node
  var aliasExpansion = 0
  var root: (Value, SourceNode)?

  init(input: UnsafeBufferPointer<UInt8>, file: String?, maxAliasExpansion: Int) {
    self.input = input
    self.file = file
    self.maxAliasExpansion = maxAliasExpansion
  }

  mutating func run() -> YAMLStream {
    let parser = UnsafeMutablePointer<yaml_parser_t>.allocate(capacity: 1)
    defer { parser.deallocate() }
    guard yaml_parser_initialize(parser) != 0 else {
      errors.append(error(at: SourcePosition(line: 1, column: 1), "libyaml: out of memory"))
      return YAMLStream(documents: [], errors: errors)
    }
    defer { yaml_parser_delete(parser) }
    if let base = input.baseAddress {
      yaml_parser_set_input_string(parser, base, input.count)
    } else {
      let empty: [UInt8] = [0]
      empty.withUnsafeBufferPointer { yaml_parser_set_input_string(parser, $0.baseAddress!, 0) }
    }
    var event = yaml_event_t()
    while true {
      guard yaml_parser_parse(parser, &event) != 0 else {
        errors.append(parserError(parser.pointee))
        break
      }
      let type = event.type
      handle(&event)
      yaml_event_delete(&event)
      if type == YAML_STREAM_END_EVENT { break }
    }
    return YAMLStream(documents: documents, errors: errors)
  }

  // MARK: Events

  mutating func handle(_ event: inout yaml_event_t) {
    let pos = SourcePosition(
      line: Int(event.start_mark.line) + 1, column: Int(event.start_mark.column) + 1)
    switch event.type {
    case YAML_DOCUMENT_START_EVENT:
      documentIndex += 1
      documentStart = pos
      documentFailed = false
      skipDepth = 0
      aliasExpansion = 0
      anchors.removeAll(keepingCapacity: true)
      stack.removeAll(keepingCapacity: true)
      root = nil
    case YAML_DOCUMENT_END_EVENT:
      if !documentFailed, let (value, node) = root {
        documents.append(ParsedDocument(value: value, source: node, index: documentIndex))
      }
    case YAML_SCALAR_EVENT:
      if skipDepth > 0 { return }
      scalar(&event, pos)
    case YAML_ALIAS_EVENT:
      if skipDepth > 0 { return }
      alias(string(event.data.alias.anchor), pos)
    case YAML_MAPPING_START_EVENT, YAML_SEQUENCE_START_EVENT:
      if skipDepth > 0 {
        skipDepth += 1
        return
      }
      let isMap = event.type == YAML_MAPPING_START_EVENT
      if let top = stack.last, top.isMap, top.pendingKey == nil {
        fail(at: pos, "mapping keys must be strings, not \(isMap ? "a mapping" : "a sequence")")
        skipDepth = 1
        return
      }
      let anchor =
        isMap ? string(event.data.mapping_start.anchor) : string(event.data.sequence_start.anchor)
      stack.append(Frame(isMap: isMap, position: pos, anchor: anchor))
    case YAML_MAPPING_END_EVENT, YAML_SEQUENCE_END_EVENT:
      if skipDepth > 0 {
        skipDepth -= 1
        return
      }
      guard let frame = stack.popLast() else { return }
      let value: Value = frame.isMap ? .map(frame.map) : .list(frame.list)
      let node = SourceNode(
        position: frame.position, keyPositions: frame.keyPositions, children: frame.children)
      if let anchor = frame.anchor {
        anchors[anchor] = Anchored(value: value, node: node, count: frame.nodeCount)
      }
      complete(value, node, count: frame.nodeCount)
    default:
      break
    }
  }

  mutating func scalar(_ event: inout yaml_event_t, _ pos: SourcePosition) {
    let data = event.data.scalar
    let bytes = UnsafeBufferPointer(start: data.value, count: data.length)
    let tag = string(data.tag)
    let plain = data.style == YAML_PLAIN_SCALAR_STYLE
    let value: Value
    if let tag, tag != "!" {
      guard let v = tagged(bytes, tag: tag, plain: plain, pos) else { return }
      value = v
    } else if plain {
      value = ScalarResolver.resolvePlain(
        bytes: bytes, text: String(decoding: bytes, as: UTF8.self))
    } else {
      value = .string(String(decoding: bytes, as: UTF8.self))
    }
    // A scalar in key position.
    if let top = stack.last, top.isMap, top.pendingKey == nil {
      let top = stack.count - 1
      guard case .string(let key) = value else {
        let text = String(decoding: bytes, as: UTF8.self)
        fail(
          at: pos,
          "mapping key \(text) is \(describe(value)), not a string; quote it (\"\(text)\") "
            + "to use it as a string key")
        stack[top].pendingKey = text
        stack[top].pendingKeyPosition = pos
        return
      }
      stack[top].pendingKey = key
      stack[top].pendingKeyPosition = pos
      stack[top].pendingIsMerge = plain && key == "<<" && tag == nil
      return
    }
    let node = SourceNode(position: pos)
    if let anchor = string(data.anchor) {
      anchors[anchor] = Anchored(value: value, node: node, count: 1)
    }
    complete(value, node, count: 1)
  }

  mutating func tagged(
    _ bytes: UnsafeBufferPointer<UInt8>, tag: String, plain: Bool, _ pos: SourcePosition
  ) -> Value? {
    let text = String(decoding: bytes, as: UTF8.self)
    let short = tag.hasPrefix("tag:yaml.org,2002:") ? String(tag.dropFirst(18)) : tag
    switch short {
    case "str", "binary", "timestamp":
      return .string(text)
    case "null":
      return .null
    case "bool", "int", "float":
      let v = ScalarResolver.resolvePlain(text)
      let ok: Bool
      switch (short, v) {
      case ("bool", .bool), ("int", .int), ("float", .double), ("float", .int): ok = true
      default: ok = false
      }
      if !ok {
        fail(at: pos, "cannot decode \(text.debugDescription) as !!\(short)")
        return nil
      }
      return v
    default:
      // Unknown and local tags carry no meaning for JSON data: resolve the scalar as if
      // untagged, as go-yaml does.
      return plain ? ScalarResolver.resolvePlain(text) : .string(text)
    }
  }

  mutating func alias(_ name: String?, _ pos: SourcePosition) {
    guard let name, let target = anchors[name] else {
      fail(at: pos, "unknown anchor '\(name ?? "")' referenced")
      return
    }
    aliasExpansion += target.count
    if aliasExpansion > maxAliasExpansion {
      fail(
        at: pos,
        "document contains excessive aliasing: aliases expand to more than "
          + "\(maxAliasExpansion) nodes")
      // Nothing more of this document is built.
      skipDepth = Int.max / 2
      return
    }
    if let top = stack.last, top.isMap, top.pendingKey == nil {
      guard case .string(let key) = target.value else {
        fail(at: pos, "mapping keys must be strings; alias *\(name) is \(describe(target.value))")
        skipDepth = 0
        stack[stack.count - 1].pendingKey = "*" + name
        return
      }
      stack[stack.count - 1].pendingKey = key
      stack[stack.count - 1].pendingKeyPosition = pos
      return
    }
    complete(target.value, target.node, count: target.count)
  }

  /// A finished node goes into its parent (or becomes the document root).
  mutating func complete(_ value: Value, _ node: SourceNode, count: Int) {
    guard !stack.isEmpty else {
      root = (value, node)
      return
    }
    let top = stack.count - 1
    stack[top].nodeCount += count
    if !stack[top].isMap {
      stack[top].list.append(value)
      stack[top].children.append(node)
      return
    }
    guard let key = stack[top].pendingKey else { return }
    let keyPos = stack[top].pendingKeyPosition
    stack[top].pendingKey = nil
    if stack[top].pendingIsMerge {
      stack[top].pendingIsMerge = false
      merge(value, node, at: keyPos)
      return
    }
    if let existing = stack[top].map.index(forKey: key) {
      if stack[top].mergedKeys.remove(key) != nil {
        stack[top].map[key] = value
        stack[top].keyPositions[existing] = keyPos
        stack[top].children[existing] = node
      } else {
        let first = stack[top].keyPositions[existing]
        fail(at: keyPos, "mapping key \"\(key)\" already defined at line \(first.line)")
      }
      return
    }
    stack[top].map[key] = value
    stack[top].keyPositions.append(keyPos)
    stack[top].children.append(node)
  }

  /// `<<: *base` or `<<: [*a, *b]`: members not already present are copied in.
  mutating func merge(_ value: Value, _ node: SourceNode, at pos: SourcePosition) {
    let sources: [(ValueMap, SourceNode)]
    switch value {
    case .map(let m):
      sources = [(m, node)]
    case .list(let items):
      var out: [(ValueMap, SourceNode)] = []
      for (i, item) in items.enumerated() {
        guard case .map(let m) = item else {
          fail(at: pos, "merge key << needs a mapping or a sequence of mappings")
          return
        }
        out.append((m, i < node.children.count ? node.children[i] : node))
      }
      sources = out
    default:
      fail(at: pos, "merge key << needs a mapping or a sequence of mappings")
      return
    }
    let top = stack.count - 1
    for (m, n) in sources {
      for (i, member) in m.enumerated() where stack[top].map[member.key] == nil {
        stack[top].map[member.key] = member.value
        stack[top].mergedKeys.insert(member.key)
        stack[top].keyPositions.append(pos)
        stack[top].children.append(i < n.children.count ? n.children[i] : n)
      }
    }
  }

  // MARK: Errors

  mutating func fail(at pos: SourcePosition, _ message: String) {
    documentFailed = true
    errors.append(error(at: pos, message))
  }

  func error(at pos: SourcePosition, _ message: String) -> YAMLError {
    YAMLError(file: file, position: pos, message: message)
  }

  func describe(_ v: Value) -> String {
    switch v {
    case .null: return "null"
    case .bool: return "a boolean"
    case .int: return "an integer"
    case .double: return "a float"
    case .string: return "a string"
    case .list: return "a sequence"
    case .map: return "a mapping"
    }
  }

  func parserError(_ p: yaml_parser_t) -> YAMLError {
    let problem = p.problem.map { String(cString: $0) } ?? "malformed YAML"
    if p.error == YAML_READER_ERROR {
      let pos = position(ofOffset: Int(p.problem_offset))
      var message = problem
      if problem.contains("UTF-8") || problem.contains("utf-8") {
        message = "invalid UTF-8: \(problem) (byte 0x\(String(p.problem_value, radix: 16)))"
      } else if problem.contains("control characters") {
        message = "\(problem) (0x\(String(p.problem_value, radix: 16)))"
      }
      return error(at: pos, message)
    }
    let mark = p.problem_mark
    let pos = SourcePosition(line: Int(mark.line) + 1, column: Int(mark.column) + 1)
    let offset = Int(mark.index)
    if problem.contains("cannot start any token"), offset < input.count, input[offset] == 0x09 {
      return error(at: pos, "found a tab character where indentation is expected; YAML "
        + "indentation must use spaces, not tabs")
    }
    var message = problem
    if let context = p.context.map({ String(cString: $0) }) {
      let cm = p.context_mark
      message += " (\(context) at line \(Int(cm.line) + 1), column \(Int(cm.column) + 1))"
    }
    return error(at: pos, message)
  }

  /// Line and column of a byte offset (libyaml reports reader errors by offset).
  func position(ofOffset offset: Int) -> SourcePosition {
    var line = 1
    var column = 1
    var i = 0
    while i < offset && i < input.count {
      let b = input[i]
      if b == 0x0A {
        line += 1
        column = 1
      } else if b & 0xC0 != 0x80 {
        column += 1
      }
      i += 1
    }
    return SourcePosition(line: line, column: column)
  }

  func string(_ p: UnsafeMutablePointer<yaml_char_t>?) -> String? {
    guard let p else { return nil }
    return String(cString: p)
  }
}
