import CYAML
import Objects

/// Encodes `Value`s as YAML with libyaml's emitter, in the style kubectl prints:
/// block style, two-space indentation, sequences inside mappings not indented, no line
/// wrapping, multi-line strings as literal blocks, and strings quoted only when they
/// would otherwise read back as something else (`"true"`, `"123"`, `""`).
public struct YAMLEncoder: Sendable {
  public init() {}

  /// One document, without `---`.
  public func encode(_ value: Value) -> String {
    encode(documents: [value])
  }

  /// A stream of documents separated by `---`.
  public func encode(documents: [Value]) -> String {
    let sink = OutputSink()
    let emitter = UnsafeMutablePointer<yaml_emitter_t>.allocate(capacity: 1)
    defer { emitter.deallocate() }
    guard yaml_emitter_initialize(emitter) != 0 else { return "" }
    defer { yaml_emitter_delete(emitter) }
    yaml_emitter_set_indent(emitter, 2)
    yaml_emitter_set_width(emitter, -1)
    yaml_emitter_set_unicode(emitter, 1)
    let box = Unmanaged.passUnretained(sink).toOpaque()
    yaml_emitter_set_output(
      emitter,
      { data, buffer, size in
        guard let data, let buffer else { return 0 }
        let sink = Unmanaged<OutputSink>.fromOpaque(data).takeUnretainedValue()
        sink.bytes.append(contentsOf: UnsafeBufferPointer(start: buffer, count: size))
        return 1
      }, box)

    var event = yaml_event_t()
    yaml_stream_start_event_initialize(&event, YAML_UTF8_ENCODING)
    yaml_emitter_emit(emitter, &event)
    for (i, doc) in documents.enumerated() {
      yaml_document_start_event_initialize(&event, nil, nil, nil, i == 0 ? 1 : 0)
      yaml_emitter_emit(emitter, &event)
      emit(doc, emitter)
      yaml_document_end_event_initialize(&event, 1)
      yaml_emitter_emit(emitter, &event)
    }
    yaml_stream_end_event_initialize(&event)
    yaml_emitter_emit(emitter, &event)
    yaml_emitter_flush(emitter)
    return String(decoding: sink.bytes, as: UTF8.self)
  }

  private func emit(_ value: Value, _ emitter: UnsafeMutablePointer<yaml_emitter_t>) {
    var event = yaml_event_t()
    switch value {
    case .map(let m):
      yaml_mapping_start_event_initialize(
        &event, nil, nil, 1, m.isEmpty ? YAML_FLOW_MAPPING_STYLE : YAML_BLOCK_MAPPING_STYLE)
      yaml_emitter_emit(emitter, &event)
      for (k, v) in m {
        scalar(k, style: style(forString: k), emitter)
        emit(v, emitter)
      }
      yaml_mapping_end_event_initialize(&event)
      yaml_emitter_emit(emitter, &event)
    case .list(let l):
      yaml_sequence_start_event_initialize(
        &event, nil, nil, 1, l.isEmpty ? YAML_FLOW_SEQUENCE_STYLE : YAML_BLOCK_SEQUENCE_STYLE)
      yaml_emitter_emit(emitter, &event)
      for v in l { emit(v, emitter) }
      yaml_sequence_end_event_initialize(&event)
      yaml_emitter_emit(emitter, &event)
    case .string(let s):
      scalar(s, style: style(forString: s), emitter)
    case .null:
      scalar("null", style: YAML_PLAIN_SCALAR_STYLE, emitter)
    case .bool(let b):
      scalar(b ? "true" : "false", style: YAML_PLAIN_SCALAR_STYLE, emitter)
    case .int(let n):
      scalar(String(n), style: YAML_PLAIN_SCALAR_STYLE, emitter)
    case .double(let d):
      scalar(YAMLEncoder.format(d), style: YAML_PLAIN_SCALAR_STYLE, emitter)
    }
  }

  private func style(forString s: String) -> yaml_scalar_style_t {
    if s.contains("\n") {
      // A literal block cannot keep trailing spaces on a line or a leading space.
      let awkward = s.hasPrefix(" ") || s.split(separator: "\n").contains { $0.hasSuffix(" ") }
      return awkward ? YAML_DOUBLE_QUOTED_SCALAR_STYLE : YAML_LITERAL_SCALAR_STYLE
    }
    if ScalarResolver.needsQuotes(s) || looksLikeTimestampOrNumber(s) {
      return YAML_DOUBLE_QUOTED_SCALAR_STYLE
    }
    return YAML_PLAIN_SCALAR_STYLE
  }

  /// Strings other YAML 1.2 readers may take for numbers (`1e3` is a float there, `0o7`
  /// an int) are quoted too, so the output reads back the same everywhere.
  private func looksLikeTimestampOrNumber(_ s: String) -> Bool {
    guard let f = s.utf8.first else { return false }
    guard f >= 0x30 && f <= 0x39 else { return false }
    return s.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x3A) || $0 == 0x2D || $0 == 0x2E }
  }

  private func scalar(
    _ s: String, style: yaml_scalar_style_t, _ emitter: UnsafeMutablePointer<yaml_emitter_t>
  ) {
    var event = yaml_event_t()
    var bytes = Array(s.utf8)
    let count = Int32(bytes.count)
    bytes.append(0)
    let plainImplicit: Int32 = style == YAML_PLAIN_SCALAR_STYLE ? 1 : 0
    bytes.withUnsafeBufferPointer { buf in
      _ = yaml_scalar_event_initialize(
        &event, nil, nil, buf.baseAddress, count, plainImplicit, 1, style)
    }
    yaml_emitter_emit(emitter, &event)
  }

  static func format(_ d: Double) -> String {
    if d.isNaN { return ".nan" }
    if d.isInfinite { return d > 0 ? ".inf" : "-.inf" }
    return FloatFormat.goShortestG(d)
  }
}

/// Collects the emitter's output; lives only for one `encode` call.
private final class OutputSink {
  var bytes: [UInt8] = []
}
