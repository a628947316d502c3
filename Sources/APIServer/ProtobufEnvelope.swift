import Foundation
import Objects

/// Decodes the Kubernetes protobuf bodies the API accepts: what kubectl ≥ 1.32's typed
/// clients send as `application/vnd.kubernetes.protobuf`. Those are the
/// `authorization.k8s.io/v1` SelfSubjectAccessReview and SelfSubjectRulesReview, the
/// `authentication.k8s.io/v1` TokenRequest, and the create bodies of `kubectl create
/// namespace|configmap|secret|serviceaccount|role|clusterrole|rolebinding|clusterrolebinding`
/// (core/v1 Namespace, ConfigMap, Secret, ServiceAccount; rbac.authorization.k8s.io/v1 Role,
/// ClusterRole, RoleBinding, ClusterRoleBinding); and what client-go controllers write most
/// (core/v1 Event from event recorders, coordination.k8s.io/v1 Lease from leader election),
/// created or updated.
///
/// The envelope is the magic `k8s\0` and a `runtime.Unknown` {1: TypeMeta {1: apiVersion,
/// 2: kind}, 2: raw, 3: contentEncoding, 4: contentType}; `raw` is the object, decoded into
/// the JSON shape kube-apiserver's JSON would have: `apiVersion`, `kind`, and every
/// top-level field of the kind but `status` (the server fills it). Empty strings are left
/// out as JSON's `omitempty` would, except in fields JSON always writes
/// (`ProtobufMessage.FieldType.requiredString`); protobuf maps (repeated {1: key, 2: value}
/// entries) become JSON objects, `bytes` values base64 strings. Unknown fields are skipped.
/// Every length and varint is bounds-checked: malformed input throws a `ProtobufError`.
///
/// Field numbers: k8s.io/api core/v1, rbac/v1 and coordination/v1 `generated.proto`,
/// k8s.io/apimachinery `pkg/apis/meta/v1/generated.proto` (ObjectMeta, OwnerReference,
/// LabelSelector, Time and MicroTime).
public enum ProtobufEnvelope {
  /// The media type of Kubernetes protobuf.
  public static let mediaType = "application/vnd.kubernetes.protobuf"
  /// `k8s\0`.
  public static let magic: [UInt8] = [0x6b, 0x38, 0x73, 0x00]

  /// True when bodies of `kind` in `apiVersion` (`v1`, `group/version`) decode.
  public static func canDecode(apiVersion: String, kind: String) -> Bool {
    objects["\(apiVersion)/\(kind)"] != nil
  }

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
        "no protobuf decoding for kind \"\(kind)\" in version \"\(apiVersion)\"",
        unsupportedType: true)
    }
    guard let raw = envelope.raw else {
      throw ProtobufError("\(kind): missing the object (Unknown.raw)")
    }
    var inner = ProtobufReader(bytes, from: raw.lowerBound, to: raw.upperBound)
    let object = try inner.decode(schema, at: kind)
    var out: ValueMap = ["apiVersion": .string(apiVersion), "kind": .string(kind)]
    // The kind's fields in field-number order (no schema names `status`, so it is skipped);
    // the structs JSON always writes are written even when absent.
    for number in schema.fields.keys.sorted() {
      guard let name = schema.fields[number]?.name else { continue }
      if let value = object[name] {
        out[name] = value
      } else if schema.alwaysWritten.contains(name) {
        out[name] = .map([:])
      }
    }
    return .map(out)
  }

  // MARK: - Schemas

  static let unknown = ProtobufMessage([
    1: ("typeMeta", .message(ProtobufMessage([1: ("apiVersion", .string), 2: ("kind", .string)]))),
    2: ("raw", .bytes),
    3: ("contentEncoding", .string),
    4: ("contentType", .string),
  ])

  /// `metav1.OwnerReference`.
  static let ownerReference = ProtobufMessage([
    1: ("kind", .requiredString), 3: ("name", .requiredString), 4: ("uid", .requiredString),
    5: ("apiVersion", .requiredString), 6: ("controller", .bool),
    7: ("blockOwnerDeletion", .bool),
  ])

  /// `metav1.ObjectMeta`, the fields a client may set (the server-populated timestamps,
  /// generation, selfLink and managedFields are skipped).
  static let objectMeta = ProtobufMessage([
    1: ("name", .string), 2: ("generateName", .string), 3: ("namespace", .string),
    5: ("uid", .string), 6: ("resourceVersion", .string), 11: ("labels", .stringMap),
    12: ("annotations", .stringMap), 13: ("ownerReferences", .repeatedMessage(ownerReference)),
    14: ("finalizers", .repeatedString),
  ])

  /// `metav1.LabelSelector`.
  static let labelSelector = ProtobufMessage([
    1: ("matchLabels", .stringMap),
    2: (
      "matchExpressions",
      .repeatedMessage(
        ProtobufMessage([
          1: ("key", .requiredString), 2: ("operator", .requiredString),
          3: ("values", .repeatedString),
        ]))
    ),
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

  // MARK: core/v1

  static let namespace = ProtobufMessage([
    1: ("metadata", .message(objectMeta)),
    2: ("spec", .message(ProtobufMessage([1: ("finalizers", .repeatedString)]))),
  ])

  static let configMap = ProtobufMessage([
    1: ("metadata", .message(objectMeta)), 2: ("data", .stringMap), 3: ("binaryData", .bytesMap),
    4: ("immutable", .bool),
  ])

  static let secret = ProtobufMessage([
    1: ("metadata", .message(objectMeta)), 2: ("data", .bytesMap), 3: ("type", .string),
    4: ("stringData", .stringMap), 5: ("immutable", .bool),
  ])

  /// `corev1.ObjectReference` (every field `omitempty`).
  static let objectReference = ProtobufMessage([
    1: ("kind", .string), 2: ("namespace", .string), 3: ("name", .string), 4: ("uid", .string),
    5: ("apiVersion", .string), 6: ("resourceVersion", .string), 7: ("fieldPath", .string),
  ])

  static let serviceAccount = ProtobufMessage([
    1: ("metadata", .message(objectMeta)), 2: ("secrets", .repeatedMessage(objectReference)),
    3: ("imagePullSecrets", .repeatedMessage(ProtobufMessage([1: ("name", .string)]))),
    4: ("automountServiceAccountToken", .bool),
  ])

  // MARK: rbac.authorization.k8s.io/v1

  static let policyRule = ProtobufMessage([
    1: ("verbs", .repeatedString), 2: ("apiGroups", .repeatedString),
    3: ("resources", .repeatedString), 4: ("resourceNames", .repeatedString),
    5: ("nonResourceURLs", .repeatedString),
  ])

  static let role = ProtobufMessage([
    1: ("metadata", .message(objectMeta)), 2: ("rules", .repeatedMessage(policyRule)),
  ])

  static let clusterRole = ProtobufMessage([
    1: ("metadata", .message(objectMeta)), 2: ("rules", .repeatedMessage(policyRule)),
    3: (
      "aggregationRule",
      .message(ProtobufMessage([1: ("clusterRoleSelectors", .repeatedMessage(labelSelector))]))
    ),
  ])

  /// `rbacv1.Subject`: JSON always writes `kind` and `name`.
  static let subject = ProtobufMessage([
    1: ("kind", .requiredString), 2: ("apiGroup", .string), 3: ("name", .requiredString),
    4: ("namespace", .string),
  ])

  /// `rbacv1.RoleRef`: JSON always writes all three.
  static let roleRef = ProtobufMessage([
    1: ("apiGroup", .requiredString), 2: ("kind", .requiredString), 3: ("name", .requiredString),
  ])

  static let roleBinding = ProtobufMessage([
    1: ("metadata", .message(objectMeta)), 2: ("subjects", .repeatedMessage(subject)),
    3: ("roleRef", .message(roleRef)),
  ])

  /// `corev1.Event` (what client-go's event recorders send). `involvedObject` and
  /// `source` are structs JSON always writes; `reportingComponent` and
  /// `reportingInstance` have no `omitempty`.
  static let event = ProtobufMessage(
    [
      1: ("metadata", .message(objectMeta)), 2: ("involvedObject", .message(objectReference)),
      3: ("reason", .string), 4: ("message", .string),
      5: ("source", .message(ProtobufMessage([1: ("component", .string), 2: ("host", .string)]))),
      6: ("firstTimestamp", .time), 7: ("lastTimestamp", .time), 8: ("count", .int64OmitZero),
      9: ("type", .string), 10: ("eventTime", .microTime),
      11: (
        "series",
        .message(
          ProtobufMessage([1: ("count", .int64OmitZero), 2: ("lastObservedTime", .microTime)]))
      ),
      12: ("action", .string), 13: ("related", .message(objectReference)),
      14: ("reportingComponent", .requiredString), 15: ("reportingInstance", .requiredString),
    ], alwaysWritten: ["metadata", "involvedObject", "source"])

  // MARK: coordination.k8s.io/v1

  /// `coordinationv1.Lease` (what client-go's leader election sends). Every spec field is
  /// a pointer in Go: written when present, so a present empty `holderIdentity` stays.
  static let lease = ProtobufMessage([
    1: ("metadata", .message(objectMeta)),
    2: (
      "spec",
      .message(
        ProtobufMessage([
          1: ("holderIdentity", .requiredString), 2: ("leaseDurationSeconds", .int64),
          3: ("acquireTime", .microTime), 4: ("renewTime", .microTime),
          5: ("leaseTransitions", .int64), 6: ("strategy", .requiredString),
          7: ("preferredHolder", .requiredString),
        ]))
    ),
  ])

  /// The objects decodable from `raw`, by `apiVersion/kind`.
  static let objects: [String: ProtobufMessage] = [
    "authentication.k8s.io/v1/TokenRequest": tokenRequest,
    "authorization.k8s.io/v1/SelfSubjectAccessReview": selfSubjectAccessReview,
    "authorization.k8s.io/v1/SelfSubjectRulesReview": selfSubjectRulesReview,
    "v1/Namespace": namespace,
    "v1/ConfigMap": configMap,
    "v1/Secret": secret,
    "v1/ServiceAccount": serviceAccount,
    "v1/Event": event,
    "coordination.k8s.io/v1/Lease": lease,
    "rbac.authorization.k8s.io/v1/Role": role,
    "rbac.authorization.k8s.io/v1/ClusterRole": clusterRole,
    "rbac.authorization.k8s.io/v1/RoleBinding": roleBinding,
    "rbac.authorization.k8s.io/v1/ClusterRoleBinding": roleBinding,
  ]
}

/// A body that is not the protobuf the API expects.
public struct ProtobufError: Error, Sendable, Equatable, CustomStringConvertible {
  public var message: String
  /// True when the envelope names a type the decoder has no schema for (a 415, not a 400).
  public var unsupportedType: Bool

  public init(_ message: String, unsupportedType: Bool = false) {
    self.message = message
    self.unsupportedType = unsupportedType
  }

  public var description: String { "protobuf: \(message)" }
}

/// The fields of a protobuf message the decoder keeps, by field number (others are
/// skipped).
struct ProtobufMessage: Sendable {
  enum FieldType: Sendable {
    /// A string JSON writes only when non-empty (`omitempty`).
    case string
    /// A string JSON always writes, even empty.
    case requiredString
    /// Kept as the byte range it occupies in the input (`ProtobufDecoded.raw`).
    case bytes
    /// Every occurrence appended, empty strings included.
    case repeatedString
    /// A varint (wire type 0), as a signed 64-bit integer.
    case int64
    /// The same, left out when zero (a non-pointer integer JSON writes `omitempty`).
    case int64OmitZero
    /// A varint (wire type 0), nonzero for true.
    case bool
    /// `map<string, string>`: repeated {1: key, 2: value} entries, as a JSON object.
    case stringMap
    /// `map<string, bytes>`: as a JSON object of base64 strings.
    case bytesMap
    case message(ProtobufMessage)
    case repeatedMessage(ProtobufMessage)
    /// `metav1.Time` ({1: seconds, 2: nanos}) as JSON writes it: RFC 3339 in UTC, whole
    /// seconds; an empty message (what Go writes for an unset one) is left out.
    case time
    /// `metav1.MicroTime`: the same, with six fractional digits.
    case microTime
  }

  var fields: [Int: (name: String, type: FieldType)]
  /// Struct fields (not pointers) of a kind: JSON writes them even when absent.
  var alwaysWritten: Set<String>

  init(
    _ fields: [Int: (name: String, type: FieldType)],
    alwaysWritten: Set<String> = ["metadata", "spec"]
  ) {
    self.fields = fields
    self.alwaysWritten = alwaysWritten
  }
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
      switch type {
      case .int64, .int64OmitZero, .bool:
        guard wireType == 0 else {
          throw ProtobufError("\(here): wire type \(wireType), expected 0 (varint)")
        }
        let number = try varint(here)
        switch type {
        case .bool: out[name] = .bool(number != 0)
        case .int64OmitZero: out[name] = number == 0 ? nil : .int(Int64(bitPattern: number))
        default: out[name] = .int(Int64(bitPattern: number))
        }
        continue
      default:
        break
      }
      guard wireType == 2 else {
        throw ProtobufError("\(here): wire type \(wireType), expected 2 (length-delimited)")
      }
      let (start, stop) = try lengthDelimited(here)
      switch type {
      case .string:
        let text = try string(start, stop, here)
        out[name] = text.isEmpty ? nil : .string(text)
      case .requiredString:
        out[name] = .string(try string(start, stop, here))
      case .bytes:
        out.raw = start..<stop
      case .int64, .int64OmitZero, .bool:
        break
      case .time, .microTime:
        // Go writes an unset (zero) time as an empty message: left out, as JSON leaves
        // out a null one.
        guard start < stop else { continue }
        var reader = ProtobufReader(bytes, from: start, to: stop)
        let t = try reader.decode(Self.timestamp, at: here, depth: depth + 1)
        var micro = false
        if case .microTime = type { micro = true }
        let (seconds, nanos) = (t["seconds"]?.intValue ?? 0, t["nanos"]?.intValue ?? 0)
        guard let text = KubeTimestamp.text(seconds: seconds, nanos: nanos, micro: micro)
        else {
          throw ProtobufError("\(here): timestamp \(seconds)s \(nanos)ns out of range")
        }
        out[name] = .string(text)
      case .stringMap, .bytesMap:
        var reader = ProtobufReader(bytes, from: start, to: stop)
        var isBytes = false
        if case .bytesMap = type { isBytes = true }
        let (key, value) = try reader.mapEntry(bytesValue: isBytes, here)
        // A repeated key keeps the last value, as protobuf's map semantics say.
        var map = out[name]?.mapValue ?? ValueMap()
        map[key] = value
        out[name] = .map(map)
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

  /// The remaining bytes as a map entry {1: key (string), 2: value (string, or bytes as
  /// base64)}; a missing key or value is empty, as protobuf's defaults say.
  mutating func mapEntry(bytesValue: Bool, _ context: String) throws(ProtobufError) -> (
    String, Value
  ) {
    var key = ""
    var value: Value = .string("")
    while position < end {
      let tag = try varint(context)
      let number = tag >> 3
      let wireType = Int(tag & 7)
      guard number > 0, number <= 536_870_911 else {
        throw ProtobufError("\(context): invalid field number \(number)")
      }
      guard number == 1 || number == 2 else {
        try skip(wireType: wireType, context: "\(context) field \(number)")
        continue
      }
      let here = "\(context).\(number == 1 ? "key" : "value")"
      guard wireType == 2 else {
        throw ProtobufError("\(here): wire type \(wireType), expected 2 (length-delimited)")
      }
      let (start, stop) = try lengthDelimited(here)
      if number == 1 {
        key = try string(start, stop, here)
      } else if bytesValue {
        value = .string(Data(bytes[start..<stop]).base64EncodedString())
      } else {
        value = .string(try string(start, stop, here))
      }
    }
    return (key, value)
  }

  /// `google.protobuf.Timestamp`, the wire form of `metav1.Time` and `MicroTime`.
  static let timestamp = ProtobufMessage([1: ("seconds", .int64), 2: ("nanos", .int64)])

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
