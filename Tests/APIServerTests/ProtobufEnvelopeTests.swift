import Objects
import Testing

@testable import APIServer

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

  /// A varint field (wire type 0).
  static func bool(_ number: UInt64, _ value: Bool) -> [UInt8] {
    varint(number << 3) + [value ? 1 : 0]
  }

  /// One entry of a protobuf map field: {1: key, 2: value}.
  static func entry(_ number: UInt64, _ key: String, _ value: String) -> [UInt8] {
    field(number, string(1, key) + string(2, value))
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

/// Create bodies captured from kubectl v1.32 (through a logging proxy in front of
/// `mooring serve`), with `bin.dat` holding the bytes 00 01 ff fe. Each ends with the
/// envelope's empty contentEncoding and contentType (`1a00 2200`).
enum Captured {
  /// `kubectl create namespace team-b`.
  static let namespace = Proto.hex(
    """
    6b3873000a0f0a02763112094e616d657370616365121e0a160a067465616d2d6212001a0022002a00320038
    00420012001a020a001a002200
    """)

  /// `kubectl create configmap cfg -n team-b --from-literal=a=b`.
  static let configMap = Proto.hex(
    """
    6b3873000a0f0a0276311209436f6e6669674d617012230a190a0363666712001a067465616d2d6222002a00
    32003800420012060a01611201621a002200
    """)

  /// `kubectl create configmap bin -n team-b --from-literal=a=b --from-literal=empty=
  /// --from-file=bin=bin.dat --save-config`.
  static let configMapSaveConfig = Proto.hex(
    """
    6b3873000a0f0a0276311209436f6e6669674d6170129f020afc010a0362696e12001a067465616d2d622200
    2a0032003800420062e0010a306b75626563746c2e6b756265726e657465732e696f2f6c6173742d6170706c
    6965642d636f6e66696775726174696f6e12ab017b226b696e64223a22436f6e6669674d6170222c22617069
    56657273696f6e223a227631222c226d65746164617461223a7b226e616d65223a2262696e222c226e616d65
    7370616365223a227465616d2d62222c226372656174696f6e54696d657374616d70223a6e756c6c7d2c2264
    617461223a7b2261223a2262222c22656d707479223a22227d2c2262696e61727944617461223a7b2262696e
    223a224141482f2f673d3d227d7d0a12060a016112016212090a05656d70747912001a0b0a0362696e120400
    01fffe1a002200
    """)

  /// `kubectl create secret generic s -n team-b --from-literal=p=q`.
  static let secret = Proto.hex(
    """
    6b3873000a0c0a027631120653656372657412230a170a017312001a067465616d2d6222002a003200380042
    0012060a01701201711a001a002200
    """)

  /// `kubectl create secret generic t -n team-b --from-literal=p=q --from-file=bin=bin.dat
  /// --type=example.com/custom`.
  static let secretTyped = Proto.hex(
    """
    6b3873000a0c0a027631120653656372657412420a170a017412001a067465616d2d6222002a003200380042
    00120b0a0362696e12040001fffe12060a01701201711a126578616d706c652e636f6d2f637573746f6d1a00
    2200
    """)

  /// `kubectl create secret docker-registry reg -n team-b --docker-username=u --docker-password=p
  /// --docker-server=r.example.com`.
  static let dockerRegistry = Proto.hex(
    """
    6b3873000a0c0a0276311206536563726574129b010a190a0372656712001a067465616d2d6222002a003200
    38004200125e0a112e646f636b6572636f6e6669676a736f6e12497b226175746873223a7b22722e6578616d
    706c652e636f6d223a7b22757365726e616d65223a2275222c2270617373776f7264223a2270222c22617574
    68223a2264547077227d7d7d1a1e6b756265726e657465732e696f2f646f636b6572636f6e6669676a736f6e
    1a002200
    """)

  /// `kubectl create serviceaccount robot -n team-b`.
  static let serviceAccount = Proto.hex(
    """
    6b3873000a140a027631120e536572766963654163636f756e74121d0a1b0a05726f626f7412001a06746561
    6d2d6222002a003200380042001a002200
    """)

  /// `kubectl create role r -n team-b --verb=get --resource=configmaps`.
  static let role = Proto.hex(
    """
    6b3873000a240a1c726261632e617574686f72697a6174696f6e2e6b38732e696f2f76311204526f6c65122e
    0a170a017212001a067465616d2d6222002a0032003800420012130a0367657412001a0a636f6e6669676d61
    70731a002200
    """)

  /// `kubectl create role multi -n team-b --verb=get --verb=list --resource=configmaps
  /// --resource=roles.rbac.authorization.k8s.io --resource-name=x --resource-name=y`.
  static let roleMulti = Proto.hex(
    """
    6b3873000a240a1c726261632e617574686f72697a6174696f6e2e6b38732e696f2f76311204526f6c651273
    0a1b0a056d756c746912001a067465616d2d6222002a00320038004200121f0a036765740a046c6973741200
    1a0a636f6e6669676d61707322017822017912330a036765740a046c6973741219726261632e617574686f72
    697a6174696f6e2e6b38732e696f1a05726f6c65732201782201791a002200
    """)

  /// `kubectl create clusterrole nr --verb=get --verb=post --non-resource-url=/healthz
  /// --non-resource-url=/logs/*`.
  static let clusterRoleNonResource = Proto.hex(
    """
    6b3873000a2b0a1c726261632e617574686f72697a6174696f6e2e6b38732e696f2f7631120b436c75737465
    72526f6c6512340a120a026e7212001a0022002a00320038004200121e0a036765740a04706f73742a082f68
    65616c74687a2a072f6c6f67732f2a1a002200
    """)

  /// `kubectl create clusterrole agg
  /// --aggregation-rule=rbac.example.com/aggregate-to-monitoring=true`.
  static let clusterRoleAggregated = Proto.hex(
    """
    6b3873000a2b0a1c726261632e617574686f72697a6174696f6e2e6b38732e696f2f7631120b436c75737465
    72526f6c65124b0a130a0361676712001a0022002a003200380042001a340a320a300a28726261632e657861
    6d706c652e636f6d2f6167677265676174652d746f2d6d6f6e69746f72696e671204747275651a002200
    """)

  /// `kubectl create rolebinding rb -n team-b --role=r --serviceaccount=team-b:robot`.
  static let roleBinding = Proto.hex(
    """
    6b3873000a2b0a1c726261632e617574686f72697a6174696f6e2e6b38732e696f2f7631120b526f6c654269
    6e64696e6712630a180a02726212001a067465616d2d6222002a0032003800420012210a0e53657276696365
    4163636f756e7412001a05726f626f7422067465616d2d621a240a19726261632e617574686f72697a617469
    6f6e2e6b38732e696f1204526f6c651a01721a002200
    """)

  /// `kubectl create rolebinding rb2 -n team-b --clusterrole=x --user=u --serviceaccount=ns:sa
  /// --group=g`.
  static let roleBindingMixed = Proto.hex(
    """
    6b3873000a2b0a1c726261632e617574686f72697a6174696f6e2e6b38732e696f2f7631120b526f6c654269
    6e64696e6712b5010a190a0372623212001a067465616d2d6222002a0032003800420012260a045573657212
    19726261632e617574686f72697a6174696f6e2e6b38732e696f1a0175220012270a0547726f757012197262
    61632e617574686f72697a6174696f6e2e6b38732e696f1a01672200121a0a0e536572766963654163636f75
    6e7412001a02736122026e731a2b0a19726261632e617574686f72697a6174696f6e2e6b38732e696f120b43
    6c7573746572526f6c651a01781a002200
    """)

  /// `kubectl create clusterrolebinding crb --clusterrole=x --user=u --serviceaccount=ns:sa
  /// --group=g`.
  static let clusterRoleBinding = Proto.hex(
    """
    6b3873000a320a1c726261632e617574686f72697a6174696f6e2e6b38732e696f2f76311212436c75737465
    72526f6c6542696e64696e6712af010a130a0363726212001a0022002a0032003800420012260a0455736572
    1219726261632e617574686f72697a6174696f6e2e6b38732e696f1a0175220012270a0547726f7570121972
    6261632e617574686f72697a6174696f6e2e6b38732e696f1a01672200121a0a0e536572766963654163636f
    756e7412001a02736122026e731a2b0a19726261632e617574686f72697a6174696f6e2e6b38732e696f120b
    436c7573746572526f6c651a01781a002200
    """)

  static let all: [[UInt8]] = [
    namespace, configMap, configMapSaveConfig, secret, secretTyped, dockerRegistry,
    serviceAccount, role, roleMulti, clusterRoleNonResource, clusterRoleAggregated, roleBinding,
    roleBindingMixed, clusterRoleBinding,
  ]
}

extension ProtobufEnvelopeTests {
  static let rbac = "rbac.authorization.k8s.io/v1"

  @Test func namespace() throws {
    #expect(
      try ProtobufEnvelope.decode(Captured.namespace)
        == [
          "apiVersion": "v1", "kind": "Namespace", "metadata": ["name": "team-b"], "spec": [:],
        ])
  }

  @Test func configMaps() throws {
    #expect(
      try ProtobufEnvelope.decode(Captured.configMap)
        == [
          "apiVersion": "v1", "kind": "ConfigMap",
          "metadata": ["name": "cfg", "namespace": "team-b"], "data": ["a": "b"],
        ])
    let saved = try ProtobufEnvelope.decode(Captured.configMapSaveConfig)
    let lastApplied = try #require(
      saved[path: ValuePath(keys: "metadata", "annotations")]?.mapValue?[
        "kubectl.kubernetes.io/last-applied-configuration"]?.stringValue)
    #expect(
      saved
        == [
          "apiVersion": "v1", "kind": "ConfigMap",
          "metadata": [
            "name": "bin", "namespace": "team-b",
            "annotations": [
              "kubectl.kubernetes.io/last-applied-configuration": .string(lastApplied)
            ],
          ],
          "data": ["a": "b", "empty": ""], "binaryData": ["bin": "AAH//g=="],
        ])
    // The annotation is kubectl's own JSON of the same object: the decoded shape matches it
    // (but for the null creationTimestamp JSON writes).
    var json = try JSON.decode(lastApplied)
    json[path: ValuePath(keys: "metadata", "creationTimestamp")] = nil
    var decoded = saved
    decoded[path: ValuePath(keys: "metadata", "annotations")] = nil
    #expect(decoded == json)
  }

  @Test func secrets() throws {
    #expect(
      try ProtobufEnvelope.decode(Captured.secret)
        == [
          "apiVersion": "v1", "kind": "Secret", "metadata": ["name": "s", "namespace": "team-b"],
          "data": ["p": "cQ=="],
        ])
    #expect(
      try ProtobufEnvelope.decode(Captured.secretTyped)
        == [
          "apiVersion": "v1", "kind": "Secret", "metadata": ["name": "t", "namespace": "team-b"],
          "data": ["bin": "AAH//g==", "p": "cQ=="], "type": "example.com/custom",
        ])
    let registry = try ProtobufEnvelope.decode(Captured.dockerRegistry)
    #expect(registry["type"] == "kubernetes.io/dockerconfigjson")
    #expect(
      registry["data"]
        == [
          ".dockerconfigjson":
            "eyJhdXRocyI6eyJyLmV4YW1wbGUuY29tIjp7InVzZXJuYW1lIjoidSIsInBhc3N3b3JkIjoicCIsImF1dGgiOiJkVHB3In19fQ=="
        ])
  }

  @Test func serviceAccount() throws {
    #expect(
      try ProtobufEnvelope.decode(Captured.serviceAccount)
        == [
          "apiVersion": "v1", "kind": "ServiceAccount",
          "metadata": ["name": "robot", "namespace": "team-b"],
        ])
  }

  @Test func roles() throws {
    #expect(
      try ProtobufEnvelope.decode(Captured.role)
        == [
          "apiVersion": .string(Self.rbac), "kind": "Role",
          "metadata": ["name": "r", "namespace": "team-b"],
          "rules": [["verbs": ["get"], "apiGroups": [""], "resources": ["configmaps"]]],
        ])
    #expect(
      try ProtobufEnvelope.decode(Captured.roleMulti)["rules"]
        == [
          [
            "verbs": ["get", "list"], "apiGroups": [""], "resources": ["configmaps"],
            "resourceNames": ["x", "y"],
          ],
          [
            "verbs": ["get", "list"], "apiGroups": ["rbac.authorization.k8s.io"],
            "resources": ["roles"], "resourceNames": ["x", "y"],
          ],
        ])
  }

  @Test func clusterRoles() throws {
    #expect(
      try ProtobufEnvelope.decode(Captured.clusterRoleNonResource)
        == [
          "apiVersion": .string(Self.rbac), "kind": "ClusterRole", "metadata": ["name": "nr"],
          "rules": [["verbs": ["get", "post"], "nonResourceURLs": ["/healthz", "/logs/*"]]],
        ])
    #expect(
      try ProtobufEnvelope.decode(Captured.clusterRoleAggregated)
        == [
          "apiVersion": .string(Self.rbac), "kind": "ClusterRole", "metadata": ["name": "agg"],
          "aggregationRule": [
            "clusterRoleSelectors": [
              ["matchLabels": ["rbac.example.com/aggregate-to-monitoring": "true"]]
            ]
          ],
        ])
  }

  @Test func bindings() throws {
    #expect(
      try ProtobufEnvelope.decode(Captured.roleBinding)
        == [
          "apiVersion": .string(Self.rbac), "kind": "RoleBinding",
          "metadata": ["name": "rb", "namespace": "team-b"],
          "subjects": [["kind": "ServiceAccount", "name": "robot", "namespace": "team-b"]],
          "roleRef": ["apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "r"],
        ])
    let subjects: Value = [
      ["kind": "User", "apiGroup": "rbac.authorization.k8s.io", "name": "u"],
      ["kind": "Group", "apiGroup": "rbac.authorization.k8s.io", "name": "g"],
      ["kind": "ServiceAccount", "name": "sa", "namespace": "ns"],
    ]
    let roleRef: Value = [
      "apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "x",
    ]
    #expect(
      try ProtobufEnvelope.decode(Captured.roleBindingMixed)
        == [
          "apiVersion": .string(Self.rbac), "kind": "RoleBinding",
          "metadata": ["name": "rb2", "namespace": "team-b"], "subjects": subjects,
          "roleRef": roleRef,
        ])
    #expect(
      try ProtobufEnvelope.decode(Captured.clusterRoleBinding)
        == [
          "apiVersion": .string(Self.rbac), "kind": "ClusterRoleBinding",
          "metadata": ["name": "crb"], "subjects": subjects, "roleRef": roleRef,
        ])
  }

  /// Every ObjectMeta field a client may set, and the ones the decoder skips.
  @Test func fullObjectMetaAndConfigMapFields() throws {
    let owner =
      Proto.string(1, "Sync") + Proto.string(3, "s") + Proto.string(4, "u-1")
      + Proto.string(5, "gitops.mooring.dev/v1alpha1") + Proto.bool(6, true) + Proto.bool(7, false)
    let meta =
      Proto.string(1, "") + Proto.string(2, "cfg-") + Proto.string(3, "team-b")
      + Proto.string(4, "/self") + Proto.string(6, "7") + Proto.bool(7, true)
      + Proto.field(8, Proto.varint(1 << 3) + Proto.varint(1_700_000_000))
      + Proto.entry(11, "app", "web") + Proto.entry(11, "tier", "")
      + Proto.entry(12, "note", "x") + Proto.field(13, owner)
      + Proto.string(14, "example.com/f") + Proto.string(14, "b")
      + Proto.field(17, Proto.string(1, "kubectl"))
    let raw =
      Proto.field(1, meta) + Proto.entry(2, "k", "v")
      + Proto.field(3, Proto.string(1, "blob") + Proto.field(2, [0xff])) + Proto.bool(4, true)
    let value = try ProtobufEnvelope.decode(
      Proto.envelope(apiVersion: "v1", kind: "ConfigMap", raw: raw))
    let expected: Value = [
      "apiVersion": "v1", "kind": "ConfigMap",
      "metadata": [
        "generateName": "cfg-", "namespace": "team-b", "resourceVersion": "7",
        "labels": ["app": "web", "tier": ""], "annotations": ["note": "x"],
        "ownerReferences": [
          [
            "kind": "Sync", "name": "s", "uid": "u-1", "apiVersion": "gitops.mooring.dev/v1alpha1",
            "controller": true, "blockOwnerDeletion": false,
          ]
        ],
        "finalizers": ["example.com/f", "b"],
      ],
      "data": ["k": "v"], "binaryData": ["blob": "/w=="], "immutable": true,
    ]
    #expect(value == expected)
  }

  @Test func secretStringDataAndMapEntryEdges() throws {
    let raw =
      Proto.field(1, Proto.string(1, "s"))
      // A key with no value; a repeated key (the last wins); value before key and an unknown
      // field inside an entry.
      + Proto.field(2, Proto.string(1, "empty"))
      + Proto.field(2, Proto.string(1, "k") + Proto.field(2, [1]))
      + Proto.field(2, Proto.string(1, "k") + Proto.field(2, [2]))
      + Proto.field(
        2, Proto.field(2, Array("hi".utf8)) + Proto.bool(3, true) + Proto.string(1, "z"))
      + Proto.entry(4, "plain", "text") + Proto.string(3, "Opaque") + Proto.bool(5, false)
    let value = try ProtobufEnvelope.decode(
      Proto.envelope(apiVersion: "v1", kind: "Secret", raw: raw))
    #expect(
      value
        == [
          "apiVersion": "v1", "kind": "Secret", "metadata": ["name": "s"],
          "data": ["empty": "", "k": "Ag==", "z": "aGk="], "stringData": ["plain": "text"],
          "type": "Opaque", "immutable": false,
        ])
  }

  @Test func serviceAccountReferences() throws {
    let raw =
      Proto.field(1, Proto.string(1, "robot"))
      + Proto.field(2, Proto.string(1, "") + Proto.string(2, "") + Proto.string(3, "tok"))
      + Proto.field(3, Proto.string(1, "reg")) + Proto.bool(4, false)
    #expect(
      try ProtobufEnvelope.decode(
        Proto.envelope(apiVersion: "v1", kind: "ServiceAccount", raw: raw))
        == [
          "apiVersion": "v1", "kind": "ServiceAccount", "metadata": ["name": "robot"],
          "secrets": [["name": "tok"]], "imagePullSecrets": [["name": "reg"]],
          "automountServiceAccountToken": false,
        ])
  }

  @Test func selectorsAndRequiredStrings() throws {
    let requirement =
      Proto.string(1, "tier") + Proto.string(2, "In") + Proto.string(3, "a")
      + Proto.string(3, "b")
    let selector = Proto.entry(1, "x", "y") + Proto.field(2, requirement)
    let role = Proto.field(1, Proto.string(1, "agg")) + Proto.field(3, Proto.field(1, selector))
    #expect(
      try ProtobufEnvelope.decode(
        Proto.envelope(apiVersion: Self.rbac, kind: "ClusterRole", raw: role))[
          "aggregationRule"]
        == [
          "clusterRoleSelectors": [
            [
              "matchLabels": ["x": "y"],
              "matchExpressions": [["key": "tier", "operator": "In", "values": ["a", "b"]]],
            ]
          ]
        ])
    // RoleRef and Subject write kind and name (and RoleRef apiGroup) even when empty.
    let binding =
      Proto.field(1, Proto.string(1, "b"))
      + Proto.field(2, Proto.string(1, "") + Proto.string(2, "") + Proto.string(3, ""))
      + Proto.field(3, Proto.string(1, "") + Proto.string(2, "Role") + Proto.string(3, "r"))
    let value = try ProtobufEnvelope.decode(
      Proto.envelope(apiVersion: Self.rbac, kind: "RoleBinding", raw: binding))
    #expect(value["subjects"] == [["kind": "", "name": ""]])
    #expect(value["roleRef"] == ["apiGroup": "", "kind": "Role", "name": "r"])
  }

  @Test func canDecode() {
    #expect(ProtobufEnvelope.canDecode(apiVersion: "v1", kind: "ConfigMap"))
    #expect(ProtobufEnvelope.canDecode(apiVersion: Self.rbac, kind: "ClusterRoleBinding"))
    #expect(!ProtobufEnvelope.canDecode(apiVersion: "v1", kind: "Pod"))
    #expect(
      !ProtobufEnvelope.canDecode(apiVersion: "rbac.authorization.k8s.io/v1beta1", kind: "Role"))
    #expect(
      !ProtobufEnvelope.canDecode(
        apiVersion: "resourcemanager.mooring.dev/v1alpha1", kind: "Organization"))
  }

  @Test func malformedCreateBodies() {
    func message(_ kind: String, _ raw: [UInt8], apiVersion: String = "v1") -> String? {
      do {
        _ = try ProtobufEnvelope.decode(
          Proto.envelope(apiVersion: apiVersion, kind: kind, raw: raw))
        return nil
      } catch {
        return error.message
      }
    }
    #expect(
      message("ConfigMap", Proto.field(2, Proto.varint(1 << 3) + [1]))
        == "ConfigMap.data.key: wire type 0, expected 2 (length-delimited)")
    #expect(
      message("ConfigMap", Proto.field(2, Proto.field(2, [0xc3])))
        == "ConfigMap.data.value: not valid UTF-8")
    #expect(
      message("ConfigMap", Proto.field(4, [1]))
        == "ConfigMap.immutable: wire type 2, expected 0 (varint)")
    #expect(
      message("ConfigMap", Proto.field(2, Proto.varint(1 << 3 | 2) + [5, 0x61]))?
        .contains("ConfigMap.data.key: length 5 runs past the end") == true)
    #expect(
      message("ConfigMap", Proto.field(3, Proto.varint(9 << 3 | 3)))
        == "ConfigMap.binaryData field 9: unsupported wire type 3")
    #expect(
      message("Secret", Proto.varint(5 << 3) + [0x80])
        == "Secret.immutable: truncated varint")
    #expect(
      message("Namespace", Proto.field(1, Proto.field(11, [0x02, 0x00])))
        == "Namespace.metadata.labels: invalid field number 0")
    let error = #expect(throws: ProtobufError.self) {
      try ProtobufEnvelope.decode(Proto.envelope(apiVersion: "v1", kind: "DeleteOptions", raw: []))
    }
    #expect(error?.unsupportedType == true)
    let truncated = #expect(throws: ProtobufError.self) {
      try ProtobufEnvelope.decode(Array(Captured.configMap.dropLast(8)))
    }
    #expect(truncated?.unsupportedType == false)
  }

  @Test func everyTruncationOfACapturedBodyThrows() {
    for body in Captured.all {
      // The object ends where the empty contentEncoding and contentType begin.
      #expect(Array(body.suffix(4)) == Proto.hex("1a00 2200"))
      #expect((try? ProtobufEnvelope.decode(Array(body.dropLast(4)))) != nil)
      for n in 0..<(body.count - 4) {
        #expect(throws: ProtobufError.self, "prefix of \(n) bytes") {
          try ProtobufEnvelope.decode(Array(body[0..<n]))
        }
      }
    }
  }

  @Test func randomCorruptionOfCapturedBodiesNeverCrashes() {
    var state: UInt64 = 0x2545_f491_4f6c_dd1d
    func next() -> UInt64 {
      state ^= state << 13
      state ^= state >> 7
      state ^= state << 17
      return state
    }
    var decoded = 0
    let rounds = 6000
    for i in 0..<rounds {
      var bytes = Captured.all[i % Captured.all.count]
      for _ in 0..<(1 + Int(next() % 4)) {
        let at = 4 + Int(next() % UInt64(bytes.count - 4))
        bytes[at] = UInt8(truncatingIfNeeded: next())
      }
      if i % 7 == 0 { bytes.removeLast(Int(next() % UInt64(bytes.count / 2))) }
      if (try? ProtobufEnvelope.decode(bytes)) != nil { decoded += 1 }
    }
    #expect(decoded < rounds)
  }
}

/// Lease and Event bodies, built field by field from k8s.io/api's `generated.proto`, and
/// the timestamps they carry.
extension ProtobufEnvelopeTests {
  /// A `metav1.Time`/`MicroTime` message.
  static func timestamp(_ number: UInt64, seconds: Int64, nanos: Int64 = 0) -> [UInt8] {
    Proto.field(
      number,
      Proto.varint(1 << 3) + Proto.varint(UInt64(bitPattern: seconds)) + Proto.varint(2 << 3)
        + Proto.varint(UInt64(bitPattern: nanos)))
  }

  static func varintField(_ number: UInt64, _ value: Int64) -> [UInt8] {
    Proto.varint(number << 3) + Proto.varint(UInt64(bitPattern: value))
  }

  @Test func leaseAsLeaderElectionWritesIt() throws {
    let spec =
      Proto.string(1, "controller-7f9c") + Self.varintField(2, 15)
      + Self.timestamp(3, seconds: 1_764_979_200, nanos: 123_456_789)
      + Self.timestamp(4, seconds: 1_764_979_230, nanos: 5_000) + Self.varintField(5, 2)
    let raw =
      Proto.field(1, Proto.string(1, "mooring-leader") + Proto.string(3, "kube-system"))
      + Proto.field(2, spec)
    let value = try ProtobufEnvelope.decode(
      Proto.envelope(apiVersion: "coordination.k8s.io/v1", kind: "Lease", raw: raw))
    #expect(
      value
        == [
          "apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
          "metadata": ["name": "mooring-leader", "namespace": "kube-system"],
          "spec": [
            "holderIdentity": "controller-7f9c", "leaseDurationSeconds": 15,
            "acquireTime": "2025-12-06T00:00:00.123456Z",
            "renewTime": "2025-12-06T00:00:30.000005Z", "leaseTransitions": 2,
          ],
        ])
    // A released lease: the holder present and empty (a pointer to ""), kept as such.
    let released = try ProtobufEnvelope.decode(
      Proto.envelope(
        apiVersion: "coordination.k8s.io/v1", kind: "Lease",
        raw: Proto.field(1, Proto.string(1, "l"))
          + Proto.field(2, Proto.string(1, "") + Self.varintField(2, 1))))
    #expect(released["spec"] == ["holderIdentity": "", "leaseDurationSeconds": 1])
    #expect(ProtobufEnvelope.canDecode(apiVersion: "coordination.k8s.io/v1", kind: "Lease"))
  }

  @Test func eventAsARecorderWritesIt() throws {
    let involved =
      Proto.string(1, "Sync") + Proto.string(2, "team-a") + Proto.string(3, "apps")
      + Proto.string(4, "u-1") + Proto.string(5, "gitops.mooring.dev/v1alpha1")
    let raw =
      Proto.field(1, Proto.string(2, "apps.") + Proto.string(3, "team-a"))
      + Proto.field(2, involved) + Proto.string(3, "Synced") + Proto.string(4, "applied abc")
      + Proto.field(5, Proto.string(1, "mooring-controller"))
      + Self.timestamp(6, seconds: 0) + Self.timestamp(7, seconds: 951_782_400)
      + Self.varintField(8, 3) + Proto.string(9, "Normal")
      // An unset MicroTime: Go writes an empty message, which JSON leaves out (null).
      + Proto.field(10, [])
      + Proto.field(11, Self.varintField(1, 4) + Self.timestamp(2, seconds: 86_399, nanos: 999))
      + Proto.string(14, "") + Proto.string(15, "")
    let value = try ProtobufEnvelope.decode(
      Proto.envelope(apiVersion: "v1", kind: "Event", raw: raw))
    #expect(
      value
        == [
          "apiVersion": "v1", "kind": "Event",
          "metadata": ["generateName": "apps.", "namespace": "team-a"],
          "involvedObject": [
            "kind": "Sync", "namespace": "team-a", "name": "apps", "uid": "u-1",
            "apiVersion": "gitops.mooring.dev/v1alpha1",
          ],
          "reason": "Synced", "message": "applied abc",
          "source": ["component": "mooring-controller"],
          "firstTimestamp": "1970-01-01T00:00:00Z", "lastTimestamp": "2000-02-29T00:00:00Z",
          "count": 3, "type": "Normal",
          "series": ["count": 4, "lastObservedTime": "1970-01-01T23:59:59.000000Z"],
          "reportingComponent": "", "reportingInstance": "",
        ])
    // The structs JSON always writes are there even when the body leaves them out.
    let bare = try ProtobufEnvelope.decode(
      Proto.envelope(apiVersion: "v1", kind: "Event", raw: Proto.field(1, Proto.string(1, "e"))))
    #expect(bare["involvedObject"] == [:])
    #expect(bare["source"] == [:])
    // A zero count (Go writes non-pointer integers always) is left out, as JSON's
    // omitempty does; a Lease's pointer integers keep their zero.
    let zero = try ProtobufEnvelope.decode(
      Proto.envelope(
        apiVersion: "v1", kind: "Event",
        raw: Proto.field(1, Proto.string(1, "e")) + Self.varintField(8, 0)))
    #expect(zero["count"] == nil)
    let lease = try ProtobufEnvelope.decode(
      Proto.envelope(
        apiVersion: "coordination.k8s.io/v1", kind: "Lease",
        raw: Proto.field(2, Self.varintField(5, 0))))
    #expect(lease["spec"] == ["leaseTransitions": 0])
    #expect(lease["metadata"] == [:])
  }

  @Test func timestampsAcrossTheRangeAndOutOfIt() throws {
    func text(_ seconds: Int64, _ nanos: Int64 = 0, micro: Bool = false) -> String? {
      KubeTimestamp.text(seconds: seconds, nanos: nanos, micro: micro)
    }
    #expect(text(0) == "1970-01-01T00:00:00Z")
    #expect(text(-1) == "1969-12-31T23:59:59Z")
    #expect(text(1_709_164_800, 999_999_999) == "2024-02-29T00:00:00Z")
    #expect(text(253_402_300_799, 999_999_999, micro: true) == "9999-12-31T23:59:59.999999Z")
    #expect(text(-62_135_596_800, 1_000, micro: true) == "0001-01-01T00:00:00.000001Z")
    #expect(text(0, 0, micro: true) == "1970-01-01T00:00:00.000000Z")
    #expect(text(253_402_300_800) == nil)
    #expect(text(-62_135_596_801) == nil)
    #expect(text(0, 1_000_000_000) == nil)
    #expect(text(0, -1) == nil)
    // Out of range in a body: a clear error naming the field.
    #expect(
      throws: ProtobufError(
        "Lease.spec.renewTime: timestamp 253402300800s 0ns out of range")
    ) {
      try ProtobufEnvelope.decode(
        Proto.envelope(
          apiVersion: "coordination.k8s.io/v1", kind: "Lease",
          raw: Proto.field(2, Self.timestamp(4, seconds: 253_402_300_800))))
    }
  }

}
