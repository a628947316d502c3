import Testing

@testable import Objects

@Suite struct ObjectTests {
  static let subdomainMessage =
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or"
    + " '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex"
    + " used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
  static let labelMessage =
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and"
    + " must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex"
    + " used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
  static let nameMessage =
    "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an"
    + " alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for"
    + " validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"

  static func object(_ json: String) throws -> Object {
    try Object(JSON.decode(json))
  }

  static let deployment = """
    {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"prod",
    "uid":"1234","resourceVersion":"42","generation":3,"creationTimestamp":"2024-01-02T03:04:05Z",
    "labels":{"zeta":"z","app":"web","alpha":"a"},"annotations":{"note":"hi"},
    "ownerReferences":[{"apiVersion":"v1","kind":"Thing","name":"owner","uid":"u1",
    "controller":true}],"finalizers":["example.com/cleanup"]},"spec":{"replicas":2}}
    """

  // MARK: - Construction

  @Test func requiresAMap() throws {
    #expect(throws: ObjectError.notAMap(found: "string")) { try Object("text") }
    #expect(throws: ObjectError.notAMap(found: "array")) { try Object([1, 2]) }
    #expect(ObjectError.notAMap(found: "array").description == "an object must be a map, not array")
    #expect(try Object([:]).value == [:])
  }

  @Test func convenienceInit() {
    let o = Object(apiVersion: "v1", kind: "ConfigMap", name: "cfg", namespace: "ns")
    #expect(
      JSON.encode(o.value)
        == #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cfg","namespace":"ns"}}"#)
    #expect(o.validateBasics() == [])
  }

  // MARK: - Accessors

  @Test func gettersReadTheMap() throws {
    let o = try Self.object(Self.deployment)
    #expect(o.apiVersion == "apps/v1")
    #expect(o.kind == "Deployment")
    #expect(o.gvk == GroupVersionKind(group: "apps", version: "v1", kind: "Deployment"))
    #expect(o.name == "web")
    #expect(o.generateName == nil)
    #expect(o.namespace == "prod")
    #expect(o.uid == "1234")
    #expect(o.resourceVersion == "42")
    #expect(o.generation == 3)
    #expect(o.creationTimestamp == "2024-01-02T03:04:05Z")
    #expect(o.deletionTimestamp == nil)
    #expect(o.labels == ["zeta": "z", "app": "web", "alpha": "a"])
    #expect(o.annotations == ["note": "hi"])
    #expect(
      o.ownerReferences == [
        OwnerReference(apiVersion: "v1", kind: "Thing", name: "owner", uid: "u1", controller: true)
      ])
    #expect(o.finalizers == ["example.com/cleanup"])
    #expect(o.spec == ["replicas": 2])
    #expect(o.status == nil)
    #expect(o.validateBasics() == [])
  }

  @Test func gettersTolerateMissingAndMistyped() throws {
    let o = try Self.object(#"{"metadata":{"name":5,"labels":{"a":"b","n":1,"z":null}}}"#)
    #expect(o.apiVersion == nil)
    #expect(o.gvk == GroupVersionKind(group: "", version: "", kind: ""))
    #expect(o.name == nil)
    #expect(o.labels == ["a": "b", "z": ""])
    #expect(o.annotations == [:])
    #expect(o.ownerReferences == [])
    #expect(o.finalizers == [])
  }

  @Test func settersKeepMemberOrder() throws {
    var o = try Self.object(Self.deployment)
    o.name = "api"
    o.namespace = nil
    o.generation = 4
    o.apiVersion = "apps/v2"
    o.status = ["ready": true]
    let metadataKeys = o.value["metadata"]?.mapValue.map { Array($0.keys) }
    #expect(
      metadataKeys == [
        "name", "uid", "resourceVersion", "generation", "creationTimestamp", "labels",
        "annotations", "ownerReferences", "finalizers",
      ])
    #expect(
      o.value.mapValue.map { Array($0.keys) } == [
        "apiVersion", "kind", "metadata", "spec", "status",
      ])
    #expect(o.name == "api")
    #expect(o.namespace == nil)
    #expect(o.generation == 4)
  }

  @Test func labelsSetKeepsExistingPositionsAndAppendsSorted() throws {
    var o = try Self.object(Self.deployment)
    var labels = o.labels
    labels["app"] = "api"
    labels["alpha"] = nil
    labels["new-b"] = "2"
    labels["new-a"] = "1"
    o.labels = labels
    #expect(
      JSON.encode(o.value["metadata"]?["labels"] ?? nil)
        == #"{"zeta":"z","app":"api","new-a":"1","new-b":"2"}"#)
    o.labels = [:]
    #expect(o.value["metadata"]?["labels"] == nil)
    #expect(o.labels == [:])
  }

  @Test func settersCreateMetadataWhenNeeded() throws {
    var o = try Object(["kind": "Thing"])
    o.deletionTimestamp = nil
    #expect(o.value["metadata"] == nil)
    o.annotations = ["b": "2", "a": "1"]
    o.generateName = "thing-"
    o.finalizers = ["x/y"]
    o.ownerReferences = [OwnerReference(apiVersion: "v1", kind: "K", name: "n", uid: "u")]
    #expect(
      JSON.encode(o.value)
        == #"{"kind":"Thing","metadata":{"annotations":{"a":"1","b":"2"},"generateName":"thing-","#
        + #""finalizers":["x/y"],"ownerReferences":[{"apiVersion":"v1","kind":"K","name":"n","#
        + #""uid":"u"}]}}"#)
    o.finalizers = []
    o.ownerReferences = []
    #expect(o.value["metadata"]?["finalizers"] == nil)
    #expect(o.value["metadata"]?["ownerReferences"] == nil)
  }

  @Test func gvkSetterSetsBoth() throws {
    var o = try Object([:])
    o.gvk = GroupVersionKind(group: "", version: "v1", kind: "Secret")
    #expect(o.apiVersion == "v1")
    #expect(o.kind == "Secret")
  }

  @Test func ownerReferenceRoundTrip() {
    let ref = OwnerReference(
      apiVersion: "apps/v1", kind: "ReplicaSet", name: "rs", uid: "u", controller: true,
      blockOwnerDeletion: false)
    #expect(OwnerReference(ref.value) == ref)
    #expect(
      JSON.encode(ref.value)
        == #"{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"rs","uid":"u","controller":true,"#
        + #""blockOwnerDeletion":false}"#)
    #expect(OwnerReference("nope") == nil)
    #expect(ref.gvk.description == "apps/v1, Kind=ReplicaSet")
  }

  // MARK: - validateBasics

  @Test func reportsEveryProblemAtOnce() throws {
    let o = try Self.object(
      """
      {"apiVersion":"a/b/c","metadata":{"name":"Foo_Bar","namespace":"Team.A",
      "labels":{"ok":"yes","bad key":"v"},"annotations":{"x":7}}}
      """)
    let errors = o.validateBasics()
    #expect(
      errors.map(\.description) == [
        #"apiVersion: Invalid value: "a/b/c": unexpected GroupVersion string"#,
        "kind: Required value",
        #"metadata.name: Invalid value: "Foo_Bar": "# + Self.subdomainMessage,
        #"metadata.namespace: Invalid value: "Team.A": "# + Self.labelMessage,
        #"metadata.labels: Invalid value: "bad key": name part "# + Self.nameMessage,
        "metadata.annotations.x: Invalid value: 7: must be of type string",
      ])
    #expect(
      errors.map(\.kind) == [.invalid, .required, .invalid, .invalid, .invalid, .typeInvalid])
  }

  @Test func nameOrGenerateNameRequired() throws {
    let o = try Self.object(#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{}}"#)
    #expect(
      o.validateBasics().map(\.description) == [
        "metadata.name: Required value: name or generateName is required"
      ])
    let noMetadata = try Self.object(#"{"apiVersion":"v1","kind":"ConfigMap"}"#)
    #expect(
      noMetadata.validateBasics().map(\.description) == [
        "metadata.name: Required value: name or generateName is required"
      ])
    let generated = try Self.object(
      #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"generateName":"cfg-"}}"#)
    #expect(generated.validateBasics() == [])
    let badPrefix = try Self.object(
      #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"generateName":"Cfg-"}}"#)
    #expect(
      badPrefix.validateBasics().map(\.description) == [
        #"metadata.generateName: Invalid value: "Cfg-": "# + Self.subdomainMessage
      ])
  }

  @Test func wrongTypes() throws {
    let o = try Self.object(
      """
      {"apiVersion":1,"kind":["Pod"],"metadata":{"name":true,"uid":2,"generation":"3",
      "labels":"app=web","finalizers":"f","ownerReferences":{}}}
      """)
    #expect(
      o.validateBasics().map(\.description) == [
        "apiVersion: Invalid value: 1: must be of type string",
        #"kind: Invalid value: ["Pod"]: must be of type string"#,
        "metadata.name: Invalid value: true: must be of type string",
        "metadata.uid: Invalid value: 2: must be of type string",
        #"metadata.generation: Invalid value: "3": must be of type integer"#,
        #"metadata.labels: Invalid value: "app=web": must be of type object"#,
        "metadata.ownerReferences: Invalid value: {}: must be of type array",
        #"metadata.finalizers: Invalid value: "f": must be of type array"#,
      ])
    #expect(o.validateBasics().allSatisfy { $0.kind == .typeInvalid })
    let notMetadata = try Self.object(#"{"apiVersion":"v1","kind":"Pod","metadata":[]}"#)
    #expect(
      notMetadata.validateBasics().map(\.description) == [
        "metadata: Invalid value: []: must be of type object"
      ])
  }

  @Test func emptyStringsAreMissing() throws {
    let o = try Self.object(#"{"apiVersion":"","kind":"","metadata":{"name":""}}"#)
    #expect(
      o.validateBasics().map(\.description) == [
        "apiVersion: Required value",
        "kind: Required value",
        "metadata.name: Required value: name or generateName is required",
      ])
  }

  @Test func apiVersionWithoutVersion() throws {
    let o = try Self.object(#"{"apiVersion":"apps/","kind":"Deployment","metadata":{"name":"a"}}"#)
    #expect(
      o.validateBasics().map(\.description) == [
        #"apiVersion: Invalid value: "apps/": version must not be empty"#
      ])
  }

  @Test func generationMustNotBeNegative() throws {
    let o = try Self.object(
      #"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"a","generation":-1}}"#)
    #expect(
      o.validateBasics().map(\.description) == [
        "metadata.generation: Invalid value: -1: must be greater than or equal to 0"
      ])
  }

  @Test func ownerReferencesAndFinalizers() throws {
    let o = try Self.object(
      """
      {"apiVersion":"v1","kind":"Pod","metadata":{"name":"a","ownerReferences":[
      {"apiVersion":"apps/","kind":"","name":"x","uid":"u","controller":true},
      {"apiVersion":"v1","kind":"Event","name":"e","uid":"u2","controller":true},
      {"apiVersion":"v1","kind":"K","name":"n","uid":"u3","blockOwnerDeletion":"yes"},
      "nope"],
      "finalizers":["orphan","foregroundDeletion","bad finalizer",3]}}
      """)
    let errors = o.validateBasics().map(\.description)
    #expect(
      errors == [
        #"metadata.ownerReferences.apiVersion: Invalid value: "apps/": version must not be empty"#,
        #"metadata.ownerReferences.kind: Invalid value: "": must not be empty"#,
        #"metadata.ownerReferences: Invalid value: {"apiVersion":"v1","kind":"Event","name":"e","#
          + #""uid":"u2","controller":true}: /v1, Kind=Event is disallowed from being an owner"#,
        #"metadata.ownerReferences: Invalid value: [{"apiVersion":"apps/","kind":"","name":"x","#
          + #""uid":"u","controller":true},{"apiVersion":"v1","kind":"Event","name":"e","#
          + #""uid":"u2","controller":true},{"apiVersion":"v1","kind":"K","name":"n","uid":"u3","#
          + #""blockOwnerDeletion":"yes"},"nope"]: Only one reference can have Controller set to"#
          + #" true. Found "true" in references for /x and Event/e"#,
        #"metadata.ownerReferences[2].blockOwnerDeletion: Invalid value: "yes": must be of type"#
          + " boolean",
        #"metadata.ownerReferences[3]: Invalid value: "nope": must be of type object"#,
        #"metadata.finalizers: Invalid value: "bad finalizer": name part "# + Self.nameMessage,
        "metadata.finalizers[3]: Invalid value: 3: must be of type string",
        #"metadata.finalizers: Invalid value: ["orphan","foregroundDeletion","bad finalizer",3]: "#
          + "finalizer orphan and foregroundDeletion cannot be both set",
      ])
  }

  @Test func stricterNameRule() throws {
    let o = try Self.object(#"{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"a.b"}}"#)
    #expect(o.validateBasics() == [])
    #expect(
      o.validateBasics(validateName: NameValidation.nameIsDNSLabel).map(\.description) == [
        #"metadata.name: Invalid value: "a.b": must not contain dots"#
      ])
  }

  @Test func nonMapValue() throws {
    var o = try Object([:])
    o.value = "oops"
    #expect(
      o.validateBasics().map(\.description) == [#"Invalid value: "oops": must be of type object"#])
  }
}
