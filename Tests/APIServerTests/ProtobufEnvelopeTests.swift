import APIServer
import Objects
import Testing

/// Builders of protobuf wire format for the tests.
enum Proto {
  static func hex(_ text: String) -> [UInt8] {
    let digits = Array(text.filter { !$0.isWhitespace })
    return stride(from: 0, to: digits.count, by: 2).map {
      UInt8(String(digits[$0...$0 + 1]), radix: 16)!
    }
  }

  static func varint(_ value: UInt64) -> [UInt8] {
    var v = value
    var out: [UInt8] = []
    while v >= 0x80 {
      out.append(UInt8(v & 0x7f) | 0x80)
      v >>= 7
    }
    return out + [UInt8(v)]
  }

  /// A length-delimited field.
  static func field(_ number: UInt64, _ payload: [UInt8]) -> [UInt8] {
    varint(number << 3 | 2) + varint(UInt64(payload.count)) + payload
  }

  static func string(_ number: UInt64, _ text: String) -> [UInt8] {
    field(number, Array(text.utf8))
  }

  /// What Go's generated code writes for an empty ObjectMeta: its eight non-pointer fields.
  static let emptyObjectMeta = hex("0a00 1200 1a00 2200 2a00 3200 3800 4200")

  static func envelope(apiVersion: String, kind: String, raw: [UInt8]) -> [UInt8] {
    ProtobufEnvelope.magic
      + field(1, string(1, apiVersion) + string(2, kind)) + field(2, raw)
      + string(3, "") + string(4, "")
  }

  /// `kubectl auth can-i get /healthz` as captured (../shared/reference/kubectl-api.md §6.12).
  static let capturedHealthz: [UInt8] =
    hex("6b387300 0a32 0a17") + Array("authorization.k8s.io/v1".utf8) + hex("1217")
    + Array("SelfSubjectAccessReview".utf8)
    + hex("122f 0a10 0a00 1200 1a00 2200 2a00 3200 3800 4200 1211 120f 0a08")
    + Array("/healthz".utf8) + hex("1203") + Array("get".utf8)
    + hex("1a08 0800 1200 1a00 2000 1a00 2200")

  /// Where `Unknown.raw` ends in `capturedHealthz`.
  static let capturedRawEnd = 4 + 2 + 0x32 + 2 + 0x2f

  /// A SelfSubjectAccessReview with resource attributes, as Go's marshaller writes it (every
  /// string field, even empty ones).
  static func accessReview(
    namespace: String = "", verb: String, group: String = "", version: String = "",
    resource: String, subresource: String = "", name: String = "", extra: [UInt8] = []
  ) -> [UInt8] {
    let attributes =
      string(1, namespace) + string(2, verb) + string(3, group) + string(4, version)
      + string(5, resource) + string(6, subresource) + string(7, name) + extra
    let raw =
      field(1, emptyObjectMeta) + field(2, field(1, attributes))
      + field(3, hex("0800 1200 1a00 2000"))
    return envelope(
      apiVersion: "authorization.k8s.io/v1", kind: "SelfSubjectAccessReview", raw: raw)
  }

  static func rulesReview(namespace: String) -> [UInt8] {
    let raw =
      field(1, emptyObjectMeta) + field(2, string(1, namespace)) + field(3, hex("1800 2200"))
    return envelope(apiVersion: "authorization.k8s.io/v1", kind: "SelfSubjectRulesReview", raw: raw)
  }
}

@Suite struct ProtobufEnvelopeTests {
  @Test func capturedNonResourceReview() throws {
    #expect(Proto.capturedHealthz.count == Proto.capturedRawEnd + 4)
    let value = try ProtobufEnvelope.decode(Proto.capturedHealthz)
    let expected: Value = [
      "apiVersion": "authorization.k8s.io/v1", "kind": "SelfSubjectAccessReview",
      "metadata": [:],
      "spec": ["nonResourceAttributes": ["path": "/healthz", "verb": "get"]],
    ]
    #expect(value == expected)
  }

  @Test func resourceAttributesLeaveEmptyStringsOut() throws {
    let value = try ProtobufEnvelope.decode(
      Proto.accessReview(
        namespace: "default", verb: "create", group: "resourcemanager.mooring.dev",
        resource: "organizations"))
    #expect(
      value["spec"]
        == [
          "resourceAttributes": [
            "namespace": "default", "verb": "create", "group": "resourcemanager.mooring.dev",
            "resource": "organizations",
          ]
        ])
    let named = try ProtobufEnvelope.decode(
      Proto.accessReview(
        verb: "patch", group: "g", version: "v1", resource: "things", subresource: "status",
        name: "x"))
    #expect(
      named[path: ValuePath(keys: "spec", "resourceAttributes")]
        == [
          "verb": "patch", "group": "g", "version": "v1", "resource": "things",
          "subresource": "status", "name": "x",
        ])
  }

  @Test func selectorsAndUnknownFields() throws {
    let requirement =
      Proto.string(1, "metadata.name") + Proto.string(2, "In") + Proto.string(3, "a")
      + Proto.string(3, "b")
    let selector = Proto.string(1, "") + Proto.field(2, requirement)
    // An unknown varint field (15), fixed64 (16) and fixed32 (17) are skipped.
    let unknown =
      Proto.varint(15 << 3) + [0x96, 0x01] + Proto.varint(16 << 3 | 1)
      + [UInt8](repeating: 7, count: 8) + Proto.varint(17 << 3 | 5) + [1, 2, 3, 4]
    let value = try ProtobufEnvelope.decode(
      Proto.accessReview(
        verb: "list", resource: "configmaps", extra: Proto.field(8, selector) + unknown))
    #expect(
      value[path: ValuePath(keys: "spec", "resourceAttributes", "fieldSelector")]
        == ["requirements": [["key": "metadata.name", "operator": "In", "values": ["a", "b"]]]])
  }

  @Test func rulesReview() throws {
    let value = try ProtobufEnvelope.decode(Proto.rulesReview(namespace: "team-a"))
    #expect(
      value
        == [
          "apiVersion": "authorization.k8s.io/v1", "kind": "SelfSubjectRulesReview",
          "metadata": [:], "spec": ["namespace": "team-a"],
        ])
  }

  @Test func everyTruncationBeforeTheObjectEndsThrows() {
    let bytes = Proto.capturedHealthz
    for n in 0..<bytes.count {
      let prefix = Array(bytes[0..<n])
      if n < Proto.capturedRawEnd {
        #expect(throws: ProtobufError.self, "prefix of \(n) bytes") {
          try ProtobufEnvelope.decode(prefix)
        }
      } else {
        // Only the trailing (empty) contentEncoding/contentType fields are cut: either
        // decodes or throws, never crashes.
        _ = try? ProtobufEnvelope.decode(prefix)
      }
    }
    let cut = #expect(throws: ProtobufError.self) {
      try ProtobufEnvelope.decode(Array(bytes[0..<60]))
    }
    #expect(cut?.message.contains("runs past the end") == true)
  }

  @Test func malformedInputGetsClearErrors() {
    func message(_ bytes: [UInt8]) -> String? {
      do {
        _ = try ProtobufEnvelope.decode(bytes)
        return nil
      } catch {
        return error.message
      }
    }
    #expect(message([0x6b, 0x38]) == "missing the Kubernetes protobuf prefix \"k8s\\x00\"")
    #expect(message(Array("{\"kind\":1}".utf8))?.contains("prefix") == true)
    #expect(message(ProtobufEnvelope.magic) == "no protobuf decoding for kind \"\" in version \"\"")
    let noRaw =
      ProtobufEnvelope.magic
      + Proto.field(
        1, Proto.string(1, "authorization.k8s.io/v1") + Proto.string(2, "SelfSubjectRulesReview"))
    #expect(message(noRaw) == "SelfSubjectRulesReview: missing the object (Unknown.raw)")

    let huge = ProtobufEnvelope.magic + Proto.varint(2 << 3 | 2) + Proto.varint(0xffff_ffff)
    #expect(message(huge)?.contains("length 4294967295 runs past the end of the message") == true)

    let longVarint = ProtobufEnvelope.magic + [UInt8](repeating: 0xff, count: 11)
    #expect(message(longVarint)?.contains("varint") == true)

    let group = ProtobufEnvelope.magic + Proto.varint(9 << 3 | 3)
    #expect(message(group) == "Unknown field 9: unsupported wire type 3")

    let wrongWire = ProtobufEnvelope.magic + Proto.field(1, Proto.varint(1 << 3) + [5])
    #expect(
      message(wrongWire)
        == "Unknown.typeMeta.apiVersion: wire type 0, expected 2 (length-delimited)")

    let fieldZero = ProtobufEnvelope.magic + [0x02, 0x00]
    #expect(message(fieldZero) == "Unknown: invalid field number 0")

    let pod = Proto.envelope(apiVersion: "v1", kind: "Pod", raw: [])
    #expect(message(pod) == "no protobuf decoding for kind \"Pod\" in version \"v1\"")

    var gzip = Proto.accessReview(verb: "get", resource: "x")
    gzip.removeLast(4)
    gzip += Proto.string(3, "gzip") + Proto.string(4, "")
    #expect(message(gzip) == "unsupported contentEncoding \"gzip\"")

    let badUTF8 = Proto.envelope(
      apiVersion: "authorization.k8s.io/v1", kind: "SelfSubjectRulesReview",
      raw: Proto.field(2, Proto.field(1, [0xff, 0xfe])))
    #expect(message(badUTF8) == "SelfSubjectRulesReview.spec.namespace: not valid UTF-8")
  }

  @Test func randomCorruptionNeverCrashes() {
    var state: UInt64 = 0x9e37_79b9_7f4a_7c15
    func next() -> UInt64 {
      state &+= 0x9e37_79b9_7f4a_7c15
      var z = state
      z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
      z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
      return z ^ (z >> 31)
    }
    let seeds = [
      Proto.capturedHealthz, Proto.rulesReview(namespace: "ns"),
      Proto.accessReview(namespace: "default", verb: "get", resource: "organizations"),
    ]
    var decoded = 0
    for i in 0..<3000 {
      var bytes = seeds[i % seeds.count]
      for _ in 0..<(1 + Int(next() % 4)) {
        let at = 4 + Int(next() % UInt64(bytes.count - 4))
        bytes[at] = UInt8(truncatingIfNeeded: next())
      }
      if (try? ProtobufEnvelope.decode(bytes)) != nil { decoded += 1 }
    }
    #expect(decoded < 3000)
  }
}
