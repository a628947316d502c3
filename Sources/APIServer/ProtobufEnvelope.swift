import Objects

/// Decodes the few Kubernetes protobuf bodies the API accepts: the `authorization.k8s.io/v1`
/// SelfSubjectAccessReview and SelfSubjectRulesReview and the `authentication.k8s.io/v1`
/// TokenRequest that kubectl ≥ 1.32 sends as
/// `application/vnd.kubernetes.protobuf`. The envelope is the magic `k8s\0` and a
/// `runtime.Unknown` {1: TypeMeta {1: apiVersion, 2: kind}, 2: raw, 3: contentEncoding,
/// 4: contentType}; `raw` is the object, decoded into the JSON shape the API reads
/// (`{"apiVersion", "kind", "metadata", "spec"}`; `status` is dropped, the server fills
/// it). Empty strings are left out as JSON's `omitempty` would. Every length and varint
/// is bounds-checked: malformed input throws a `ProtobufError`.
public enum ProtobufEnvelope {
  /// The media type of Kubernetes protobuf.
  public static let mediaType = "application/vnd.kubernetes.protobuf"
  /// `k8s\0`.
  public static let magic: [UInt8] = [0x6b, 0x38, 0x73, 0x00]

  /// The object `bytes` (a whole request body) holds.
  public static func decode(_ bytes: [UInt8]) throws(ProtobufError) -> Value {
    guard bytes.count >= magic.count, Array(bytes[0..<magic.count]) == magic else {
      throw ProtobufError("missing the Kubernetes protobuf prefix \"k8s\\x00\"")
    }
    var outer = ProtobufReader(bytes, from: magic.count)
    let envelope = try outer.decode(unknown, at: "Unknown")
    let apiVersion = envelope[path: ValuePath(keys: "typeMeta", "apiVersion")]?.stringValue ?? ""
    let kind = envelope[path: ValuePath(keys: "typeMeta", "kind")]?.stringValue ?? ""
    if let encoding = envelope["contentEncoding"]?.stringValue {
      throw ProtobufError("unsupported contentEncoding \"\(encoding)\"")
    }
    if let type = envelope["contentType"]?.stringValue, type != mediaType {
      throw ProtobufError("unsupported contentType \"\(type)\"")
    }
    guard let schema = objects["\(apiVersion)/\(kind)"] else {
      throw ProtobufError(
        "no protobuf decoding for kind \"\(kind)\" in version \"\(apiVersion)\"")
    }
    guard let raw = envelope.raw else {
      throw ProtobufError("\(kind): missing the object (Unknown.raw)")
    }
    var inner = ProtobufReader(bytes, from: raw.lowerBound, to: raw.upperBound)
    var object = try inner.decode(schema, at: kind)
    object["status"] = nil
    var out: ValueMap = ["apiVersion": .string(apiVersion), "kind": .string(kind)]
    out["metadata"] = object["metadata"] ?? .map([:])
    out["spec"] = object["spec"] ?? .map([:])
    return .map(out)
  }

  // MARK: - Schemas

  static let unknown = ProtobufMessage([
    1: ("typeMeta", .message(ProtobufMessage([1: ("apiVersion", .string), 2: ("kind", .string)]))),
    2: ("raw", .bytes),
    3: ("contentEncoding", .string),
    4: ("contentType", .string),
  ])

  /// `metav1.ObjectMeta`, the fields a review may name (the rest are skipped).
  static let objectMeta = ProtobufMessage([
    1: ("name", .string), 2: ("generateName", .string), 3: ("namespace", .string),
  ])

  static let requirement = ProtobufMessage([
    1: ("key", .string), 2: ("operator", .string), 3: ("values", .repeatedString),
  ])

  static let selectorAttributes = ProtobufMessage([
    1: ("rawSelector", .string), 2: ("requirements", .repeatedMessage(requirement)),
  ])

  static let resourceAttributes = ProtobufMessage([
    1: ("namespace", .string), 2: ("verb", .string), 3: ("group", .string),
    4: ("version", .string), 5: ("resource", .string), 6: ("subresource", .string),
    7: ("name", .string), 8: ("fieldSelector", .message(selectorAttributes)),
    9: ("labelSelector", .message(selectorAttributes)),
  ])

  static let nonResourceAttributes = ProtobufMessage([1: ("path", .string), 2: ("verb", .string)])

  static let selfSubjectAccessReview = ProtobufMessage([
    1: ("metadata", .message(objectMeta)),
    2: (
      "spec",
      .message(
        ProtobufMessage([
          1: ("resourceAttributes", .message(resourceAttributes)),
          2: ("nonResourceAttributes", .message(nonResourceAttributes)),
        ]))
    ),
  ])

  static let selfSubjectRulesReview = ProtobufMessage([
    1: ("metadata", .message(objectMeta)),
    2: ("spec", .message(ProtobufMessage([1: ("namespace", .string)]))),
  ])

  /// `authentication.k8s.io/v1` TokenRequest (what `kubectl create token` sends).
  static let tokenRequest = ProtobufMessage([
    1: ("metadata", .message(objectMeta)),
    2: (
      "spec",
      .message(
        ProtobufMessage([
          1: ("audiences", .repeatedString),
          3: (
            "boundObjectRef",
            .message(
              ProtobufMessage([
                1: ("kind", .string), 2: ("apiVersion", .string), 3: ("name", .string),
                4: ("uid", .string),
              ]))
          ),
          4: ("expirationSeconds", .int64),
        ]))
    ),
  ])

  /// The objects decodable from `raw`, by `apiVersion/kind`.
  static let objects: [String: ProtobufMessage] = [
    "authentication.k8s.io/v1/TokenRequest": tokenRequest,
    "authorization.k8s.io/v1/SelfSubjectAccessReview": selfSubjectAccessReview,
    "authorization.k8s.io/v1/SelfSubjectRulesReview": selfSubjectRulesReview,
  ]
}

/// A body that is not the protobuf the API expects.
public struct ProtobufError: Error, Sendable, Equatable, CustomStringConvertible {
  public var message: String

  public init(_ message: String) { self.message = message }

  public var description: String { "protobuf: \(message)" }
}

/// The fields of a protobuf message the decoder keeps, by field number (others are
/// skipped).
struct ProtobufMessage: Sendable {
  enum FieldType: Sendable {
    case string
    /// Kept as the byte range it occupies in the input (`ProtobufDecoded.raw`).
    case bytes
    case repeatedString
    /// A varint (wire type 0), as a signed 64-bit integer.
    case int64
    case message(ProtobufMessage)
    case repeatedMessage(ProtobufMessage)
  }

  var fields: [Int: (name: String, type: FieldType)]

  init(_ fields: [Int: (name: String, type: FieldType)]) { self.fields = fields }
}

/// A decoded message: its JSON fields, and the location of a `bytes` field.
struct ProtobufDecoded {
  var value: Value = .map([:])
  /// Where the (last) `bytes` field's payload lies in the input.
  var raw: Range<Int>?

  subscript(key: String) -> Value? {
    get { value[key] }
    set { value[key] = newValue }
  }

  subscript(path path: ValuePath) -> Value? { value[path: path] }
}

/// A bounds-checked reader of protobuf wire format over `bytes[position..<end]`.
struct ProtobufReader {
  let bytes: [UInt8]
  var position: Int
  let end: Int

  /// How deep messages may nest (the schemas are shallower; this bounds the recursion).
  static let maxDepth = 16

  init(_ bytes: [UInt8], from start: Int, to end: Int? = nil) {
    self.bytes = bytes
    self.position = start
    self.end = end ?? bytes.count
  }

  /// Reads the remaining bytes as message `schema`, naming `context` in errors.
  mutating func decode(_ schema: ProtobufMessage, at context: String, depth: Int = 0)
    throws(ProtobufError) -> ProtobufDecoded
  {
    guard depth < Self.maxDepth else { throw ProtobufError("\(context): nested too deeply") }
    var out = ProtobufDecoded()
    while position < end {
      let key = try varint(context)
      let number = key >> 3
      let wireType = Int(key & 7)
      guard number > 0, number <= 536_870_911 else {
        throw ProtobufError("\(context): invalid field number \(number)")
      }
      guard let (name, type) = schema.fields[Int(number)] else {
        try skip(wireType: wireType, context: "\(context) field \(number)")
        continue
      }
      let here = "\(context).\(name)"
      if case .int64 = type {
        guard wireType == 0 else {
          throw ProtobufError("\(here): wire type \(wireType), expected 0 (varint)")
        }
        out[name] = .int(Int64(bitPattern: try varint(here)))
        continue
      }
      guard wireType == 2 else {
        throw ProtobufError("\(here): wire type \(wireType), expected 2 (length-delimited)")
      }
      let (start, stop) = try lengthDelimited(here)
      switch type {
      case .string:
        let text = try string(start, stop, here)
        out[name] = text.isEmpty ? nil : .string(text)
      case .bytes:
        out.raw = start..<stop
      case .int64:
        break
      case .repeatedString:
        let text = try string(start, stop, here)
        out[name] = .list((out[name]?.listValue ?? []) + [.string(text)])
      case .message(let inner):
        var reader = ProtobufReader(bytes, from: start, to: stop)
        let decoded = try reader.decode(inner, at: here, depth: depth + 1)
        // A repeated occurrence of a message field merges into the first.
        var merged = out[name]?.mapValue ?? ValueMap()
        for (k, v) in decoded.value.mapValue ?? ValueMap() { merged[k] = v }
        out[name] = .map(merged)
      case .repeatedMessage(let inner):
        var reader = ProtobufReader(bytes, from: start, to: stop)
        let decoded = try reader.decode(inner, at: here, depth: depth + 1)
        out[name] = .list((out[name]?.listValue ?? []) + [decoded.value])
      }
    }
    return out
  }

  /// A base-128 varint of at most 10 bytes.
  mutating func varint(_ context: String) throws(ProtobufError) -> UInt64 {
    var result: UInt64 = 0
    var shift: UInt64 = 0
    while true {
      guard position < end else { throw ProtobufError("\(context): truncated varint") }
      let byte = bytes[position]
      position += 1
      if shift == 63 && byte > 1 { throw ProtobufError("\(context): varint overflows 64 bits") }
      result |= UInt64(byte & 0x7f) << shift
      if byte & 0x80 == 0 { return result }
      shift += 7
      if shift > 63 { throw ProtobufError("\(context): varint longer than 10 bytes") }
    }
  }

  /// The range of a length-delimited field's payload, which must lie inside the message.
  mutating func lengthDelimited(_ context: String) throws(ProtobufError) -> (Int, Int) {
    let length = try varint(context)
    guard length <= UInt64(end - position) else {
      throw ProtobufError(
        "\(context): length \(length) runs past the end of the message (\(end - position) bytes left)"
      )
    }
    let start = position
    position += Int(length)
    return (start, position)
  }

  mutating func skip(wireType: Int, context: String) throws(ProtobufError) {
    switch wireType {
    case 0: _ = try varint(context)
    case 1: try advance(8, context)
    case 2: _ = try lengthDelimited(context)
    case 5: try advance(4, context)
    default: throw ProtobufError("\(context): unsupported wire type \(wireType)")
    }
  }

  mutating func advance(_ count: Int, _ context: String) throws(ProtobufError) {
    guard end - position >= count else {
      throw ProtobufError("\(context): truncated fixed-width field")
    }
    position += count
  }

  func string(_ start: Int, _ stop: Int, _ context: String) throws(ProtobufError) -> String {
    guard let text = String(validating: bytes[start..<stop], as: UTF8.self) else {
      throw ProtobufError("\(context): not valid UTF-8")
    }
    return text
  }
}
