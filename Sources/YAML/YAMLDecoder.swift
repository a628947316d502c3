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
  var entry: Int  // index of this node's entry in the document's source map
  var anchor: String?
  var map = ValueMap()
  var list: [Value] = []
  var pendingKey: String?
  var pendingKeyPosition: SourcePosition?
  var pendingIsMerge = false
  var mergedKeys: Set<String> = []
  var nodeCount = 1

  init(isMap: Bool, entry: Int, anchor: String?, reserve: Bool = true) {
    self.isMap = isMap
    self.entry = entry
    self.anchor = anchor
    guard reserve else { return }
    // Most mappings in manifests have a handful of members: one allocation up front
    // instead of a series of regrowths.
    if isMap { map = ValueMap(minimumCapacity: 6) } else { list.reserveCapacity(2) }
  }
}

private struct Anchored {
  var value: Value
  var entries: Range<Int>
  var count: Int
}

private struct YAMLStreamBuilder {
  let input: UnsafeBufferPointer<UInt8>
  let file: String?
  let maxAliasExpansion: Int

  var documents: [ParsedDocument] = []
  var errors: [YAMLError] = []
  /// The innermost open node, kept out of `stack` so the hot path touches no array.
  var cur = Frame(isMap: false, entry: 0, anchor: nil, reserve: false)
  /// How many nodes are open (`cur` is meaningful when this is above 0).
  var depth = 0
  /// The open nodes around `cur`, outermost first.
  var stack: [Frame] = []
  var entries: [SourceMap.Entry] = []
  var anchors: [String: Anchored] = [:]
  var documentIndex = -1
  var documentFailed = false
  var skipDepth = 0  // > 0 while skipping the rest of a failed node
  var aliasExpansion = 0
  var root: Value?
  var strings = StringInterner()

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
    let empty: [UInt8] = [0]
    empty.withUnsafeBufferPointer { e in
      yaml_parser_set_input_string(parser, input.baseAddress ?? e.baseAddress, input.count)
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

  /// True when the innermost open node is a mapping waiting for a key.
  var expectingKey: Bool {
    depth > 0 && cur.isMap && cur.pendingKey == nil
  }

  /// The key position for a node starting now (set when it is a mapping's value).
  var keyPositionForNewNode: SourcePosition? {
    depth > 0 && cur.isMap ? cur.pendingKeyPosition : nil
  }

  mutating func handle(_ event: inout yaml_event_t) {
    let pos = SourcePosition(
      line: Int(event.start_mark.line) + 1, column: Int(event.start_mark.column) + 1)
    switch event.type {
    case YAML_DOCUMENT_START_EVENT:
      documentIndex += 1
      documentFailed = false
      skipDepth = 0
      aliasExpansion = 0
      anchors.removeAll(keepingCapacity: true)
      stack.removeAll(keepingCapacity: true)
      depth = 0
      entries.removeAll(keepingCapacity: true)
      root = nil
    case YAML_DOCUMENT_END_EVENT:
      if !documentFailed, let value = root {
        documents.append(
          ParsedDocument(
            value: value, source: SourceMap(entries: Array(entries[...])), index: documentIndex))
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
      if expectingKey {
        fail(at: pos, "mapping keys must be strings, not \(isMap ? "a mapping" : "a sequence")")
        skipDepth = 1
        return
      }
      let anchor =
        isMap ? string(event.data.mapping_start.anchor) : string(event.data.sequence_start.anchor)
      let entry = entries.count
      entries.append(SourceMap.Entry(pos, key: keyPositionForNewNode))
      var opened = Frame(isMap: isMap, entry: entry, anchor: anchor)
      swap(&opened, &cur)  // moves, no retain/release of the frames' storage
      if depth > 0 { stack.append(opened) }
      depth += 1
    case YAML_MAPPING_END_EVENT, YAML_SEQUENCE_END_EVENT:
      if skipDepth > 0 {
        skipDepth -= 1
        return
      }
      guard depth > 0 else { return }
      var frame =
        depth > 1 ? stack.removeLast() : Frame(isMap: false, entry: 0, anchor: nil, reserve: false)
      swap(&frame, &cur)
      depth -= 1
      let value: Value = frame.isMap ? .map(frame.map) : .list(frame.list)
      entries[frame.entry].size = Int32(entries.count - frame.entry)
      if let anchor = frame.anchor {
        anchors[anchor] = Anchored(
          value: value, entries: frame.entry..<entries.count, count: frame.nodeCount)
      }
      complete(value, entry: frame.entry, count: frame.nodeCount)
    default:
      break
    }
  }

  mutating func scalar(_ event: inout yaml_event_t, _ pos: SourcePosition) {
    let data = event.data.scalar
    let bytes = UnsafeBufferPointer(start: data.value, count: data.length)
    let tag = data.tag == nil ? nil : string(data.tag)
    let plain = data.style == YAML_PLAIN_SCALAR_STYLE
    let value: Value
    if let tag, tag != "!" {
      guard let v = tagged(bytes, tag: tag, plain: plain, pos) else { return }
      value = v
    } else if plain {
      value = ScalarResolver.resolvePlain(bytes: bytes, text: strings.string(bytes))
    } else {
      value = .string(strings.string(bytes))
    }
    if expectingKey {
      guard case .string(let key) = value else {
        let text = String(decoding: bytes, as: UTF8.self)
        fail(
          at: pos,
          "mapping key \(text) is \(describe(value)), not a string; quote it (\"\(text)\") "
            + "to use it as a string key")
        cur.pendingKey = text
        cur.pendingKeyPosition = pos
        return
      }
      cur.pendingKey = key
      cur.pendingKeyPosition = pos
      cur.pendingIsMerge = plain && tag == nil && key == "<<"
      return
    }
    let entry = entries.count
    entries.append(SourceMap.Entry(pos, key: keyPositionForNewNode))
    if data.anchor != nil, let anchor = string(data.anchor) {
      anchors[anchor] = Anchored(value: value, entries: entry..<entry + 1, count: 1)
    }
    complete(value, entry: entry, count: 1)
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
    if expectingKey {
      guard case .string(let key) = target.value else {
        fail(at: pos, "mapping keys must be strings; alias *\(name) is \(describe(target.value))")
        cur.pendingKey = "*" + name
        return
      }
      cur.pendingKey = key
      cur.pendingKeyPosition = pos
      return
    }
    let entry = entries.count
    entries.append(contentsOf: entries[target.entries])
    let key = keyPositionForNewNode
    entries[entry].keyLine = Int32(key?.line ?? 0)
    entries[entry].keyColumn = Int32(key?.column ?? 0)
    complete(target.value, entry: entry, count: target.count)
  }

  /// A finished node (whose entries start at `entry`) goes into its parent, or becomes
  /// the document root.
  mutating func complete(_ value: Value, entry: Int, count: Int) {
    guard depth > 0 else {
      root = value
      return
    }
    cur.nodeCount += count
    if !cur.isMap {
      cur.list.append(value)
      return
    }
    guard let key = cur.pendingKey else { return }
    let keyPos = cur.pendingKeyPosition
    cur.pendingKey = nil
    cur.pendingKeyPosition = nil
    if cur.pendingIsMerge {
      cur.pendingIsMerge = false
      merge(value, entry: entry, at: keyPos ?? SourcePosition(line: 0, column: 0))
      return
    }
    if let existing = cur.map.index(forKey: key) {
      if cur.mergedKeys.remove(key) != nil {
        // An explicit key overrides a merged one: drop the merged member (and its
        // entries), then add this one at the end.
        let old = subtrees(in: cur.entry + 1..<entry)[existing]
        entries.removeSubrange(old)
        cur.map.removeValue(forKey: key)
      } else {
        let first = entries[subtrees(in: cur.entry + 1..<entry)[existing].lowerBound]
        let line = first.keyLine
        fail(
          at: keyPos ?? SourcePosition(line: 0, column: 0),
          "mapping key \"\(key)\" already defined at line \(line)")
        return
      }
    }
    cur.map.appendNew(key, value)
  }

  /// The entry ranges of consecutive sibling subtrees filling `range`.
  func subtrees(in range: Range<Int>) -> [Range<Int>] {
    var out: [Range<Int>] = []
    var c = range.lowerBound
    while c < range.upperBound {
      let end = c + max(1, Int(entries[c].size))
      out.append(c..<end)
      c = end
    }
    return out
  }

  /// `<<: *base` or `<<: [*a, *b]`: members not already present are copied in, and the
  /// merged value's entries are replaced by those members' entries.
  mutating func merge(_ value: Value, entry: Int, at pos: SourcePosition) {
    let merged = Array(entries[entry...])
    entries.removeSubrange(entry...)
    // The source maps of the merged mappings, each with its own entries.
    var sources: [(ValueMap, ArraySlice<SourceMap.Entry>)] = []
    switch value {
    case .map(let m):
      sources = [(m, merged[...])]
    case .list(let items):
      var c = 1
      for item in items {
        let size = c < merged.count ? max(1, Int(merged[c].size)) : 1
        let slice = merged[min(c, merged.count)..<min(c + size, merged.count)]
        c += size
        guard case .map(let m) = item else {
          fail(at: pos, "merge key << needs a mapping or a sequence of mappings")
          return
        }
        sources.append((m, slice))
      }
    default:
      fail(at: pos, "merge key << needs a mapping or a sequence of mappings")
      return
    }
    for (m, slice) in sources {
      var c = slice.startIndex + 1
      for member in m {
        let size = c < slice.endIndex ? max(1, Int(slice[c].size)) : 1
        let memberEntries = slice[min(c, slice.endIndex)..<min(c + size, slice.endIndex)]
        c += size
        guard cur.map[member.key] == nil else { continue }
        cur.map[member.key] = member.value
        cur.mergedKeys.insert(member.key)
        entries.append(contentsOf: memberEntries)
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
      if let bad = firstInvalidUTF8() {
        return error(
          at: position(ofOffset: bad),
          "invalid UTF-8: byte 0x\(String(input[bad], radix: 16, uppercase: true)) does not "
            + "begin a valid UTF-8 sequence; manifests must be UTF-8 encoded")
      }
      var message = problem
      if problem.contains("control characters") {
        message = "\(problem) (0x\(String(p.problem_value, radix: 16)))"
      }
      return error(at: position(ofOffset: Int(p.problem_offset)), message)
    }
    let mark = p.problem_mark
    let pos = SourcePosition(line: Int(mark.line) + 1, column: Int(mark.column) + 1)
    let offset = Int(mark.index)
    if problem.contains("cannot start any token"), offset < input.count, input[offset] == 0x09 {
      return error(
        at: pos,
        "found a tab character where indentation is expected; YAML "
          + "indentation must use spaces, not tabs")
    }
    var message = problem
    if let context = p.context.map({ String(cString: $0) }) {
      let cm = p.context_mark
      message += " (\(context) at line \(Int(cm.line) + 1), column \(Int(cm.column) + 1))"
    }
    return error(at: pos, message)
  }

  /// The offset of the first byte that does not start a valid UTF-8 sequence.
  func firstInvalidUTF8() -> Int? {
    var i = 0
    let n = input.count
    while i < n {
      let b = input[i]
      let length: Int
      switch b {
      case 0..<0x80: length = 1
      case 0xC2...0xDF: length = 2
      case 0xE0...0xEF: length = 3
      case 0xF0...0xF4: length = 4
      default: return i
      }
      if i + length > n { return i }
      for k in 1..<length where input[i + k] & 0xC0 != 0x80 { return i }
      i += length
    }
    return nil
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
