/// A Kubernetes-style object: a typed view over a map `Value`.
///
/// The accessors read and write the underlying map in place, so members they do not know
/// about, and the order of every member, survive. Getters return nil (or an empty
/// collection) for absent or mistyped members; setting nil (or an empty collection)
/// removes the member.
public struct Object: Sendable, Hashable {
  /// The whole object, a map.
  public var value: Value

  /// Views `value`, which must be a map.
  public init(_ value: Value) throws(ObjectError) {
    guard case .map = value else { throw .notAMap(found: value.typeName) }
    self.value = value
  }

  /// A new object with `apiVersion`, `kind` and `metadata` with `name` (and `namespace`).
  public init(apiVersion: String, kind: String, name: String, namespace: String? = nil) {
    var metadata = ValueMap(minimumCapacity: 2)
    metadata["name"] = .string(name)
    if let namespace { metadata["namespace"] = .string(namespace) }
    value = ["apiVersion": .string(apiVersion), "kind": .string(kind), "metadata": .map(metadata)]
  }

  // MARK: - Type

  /// `apiVersion`, such as `apps/v1`.
  public var apiVersion: String? {
    get { value["apiVersion"]?.stringValue }
    set { value["apiVersion"] = newValue.map(Value.string) }
  }

  /// `kind`, such as `Deployment`.
  public var kind: String? {
    get { value["kind"]?.stringValue }
    set { value["kind"] = newValue.map(Value.string) }
  }

  /// The group version kind of `apiVersion` and `kind` (empty parts when absent);
  /// setting it sets both.
  public var gvk: GroupVersionKind {
    get { GroupVersionKind(apiVersion: apiVersion ?? "", kind: kind ?? "") }
    set {
      apiVersion = newValue.apiVersion
      kind = newValue.kind
    }
  }

  // MARK: - Metadata

  /// `metadata.name`.
  public var name: String? {
    get { metadataString("name") }
    set { setMetadata("name", newValue.map(Value.string)) }
  }

  /// `metadata.generateName`, the prefix of a server-generated name.
  public var generateName: String? {
    get { metadataString("generateName") }
    set { setMetadata("generateName", newValue.map(Value.string)) }
  }

  /// `metadata.namespace`.
  public var namespace: String? {
    get { metadataString("namespace") }
    set { setMetadata("namespace", newValue.map(Value.string)) }
  }

  /// `metadata.uid`.
  public var uid: String? {
    get { metadataString("uid") }
    set { setMetadata("uid", newValue.map(Value.string)) }
  }

  /// `metadata.resourceVersion`.
  public var resourceVersion: String? {
    get { metadataString("resourceVersion") }
    set { setMetadata("resourceVersion", newValue.map(Value.string)) }
  }

  /// `metadata.generation`.
  public var generation: Int64? {
    get { value["metadata"]?["generation"]?.intValue }
    set { setMetadata("generation", newValue.map(Value.int)) }
  }

  /// `metadata.creationTimestamp` (RFC 3339).
  public var creationTimestamp: String? {
    get { metadataString("creationTimestamp") }
    set { setMetadata("creationTimestamp", newValue.map(Value.string)) }
  }

  /// `metadata.deletionTimestamp` (RFC 3339).
  public var deletionTimestamp: String? {
    get { metadataString("deletionTimestamp") }
    set { setMetadata("deletionTimestamp", newValue.map(Value.string)) }
  }

  /// `metadata.labels`; a null value reads as "", other non-strings are left out. Setting
  /// keeps the position of existing keys and appends new ones in key order.
  public var labels: [String: String] {
    get { metadataStringMap("labels") }
    set { setMetadataStringMap("labels", newValue) }
  }

  /// `metadata.annotations`, read and written as `labels` are.
  public var annotations: [String: String] {
    get { metadataStringMap("annotations") }
    set { setMetadataStringMap("annotations", newValue) }
  }

  /// `metadata.ownerReferences`; entries that are not maps are left out.
  public var ownerReferences: [OwnerReference] {
    get { value["metadata"]?["ownerReferences"]?.listValue?.compactMap(OwnerReference.init) ?? [] }
    set {
      setMetadata("ownerReferences", newValue.isEmpty ? nil : .list(newValue.map(\.value)))
    }
  }

  /// `metadata.finalizers`; entries that are not strings are left out.
  public var finalizers: [String] {
    get { value["metadata"]?["finalizers"]?.listValue?.compactMap(\.stringValue) ?? [] }
    set { setMetadata("finalizers", newValue.isEmpty ? nil : .list(newValue.map(Value.string))) }
  }

  // MARK: - Body

  /// `spec`, the desired state.
  public var spec: Value? {
    get { value["spec"] }
    set { value["spec"] = newValue }
  }

  /// `status`, the observed state.
  public var status: Value? {
    get { value["status"] }
    set { value["status"] = newValue }
  }

  // MARK: - Helpers

  private func metadataString(_ key: String) -> String? {
    value["metadata"]?[key]?.stringValue
  }

  private mutating func setMetadata(_ key: String, _ newValue: Value?) {
    value[path: ValuePath([.key("metadata"), .key(key)])] = newValue
  }

  private func metadataStringMap(_ key: String) -> [String: String] {
    guard case .map(let members)? = value["metadata"]?[key] else { return [:] }
    var result: [String: String] = Dictionary(minimumCapacity: members.count)
    for (k, v) in members {
      switch v {
      case .string(let s): result[k] = s
      case .null: result[k] = ""
      default: continue
      }
    }
    return result
  }

  private mutating func setMetadataStringMap(_ key: String, _ newValue: [String: String]) {
    if newValue.isEmpty {
      setMetadata(key, nil)
      return
    }
    var members = value["metadata"]?[key]?.mapValue ?? ValueMap()
    for existing in members.keys where newValue[existing] == nil {
      members.removeValue(forKey: existing)
    }
    for (k, v) in newValue where members[k] != nil {
      members[k] = .string(v)
    }
    for k in newValue.keys.sorted() where members[k] == nil {
      members[k] = .string(newValue[k]!)
    }
    setMetadata(key, .map(members))
  }
}

// MARK: - Validation

extension Object {
  /// What every manifest must satisfy before its schema is known, worded as kube-apiserver
  /// words it: `apiVersion` and `kind` set, `metadata` a map with a valid `name` (or a
  /// `generateName`), a DNS-label `namespace`, valid labels, annotations, owner references
  /// and finalizers, and every known field of the right type. Returns every problem found.
  ///
  /// - Parameter validateName: the rule for names; the generic DNS-subdomain rule unless
  ///   the kind is stricter.
  public func validateBasics(
    validateName: NameValidation.NameValidator = NameValidation.nameIsDNSSubdomain
  ) -> [FieldError] {
    guard case .map(let top) = value else {
      return [NameValidation.typeInvalid(ValuePath(), value, expected: "object")]
    }
    var check = BasicsCheck()
    if let apiVersion = check.requiredString(top["apiVersion"], at: ValuePath(keys: "apiVersion")),
      let problem = GroupVersion.problem(with: apiVersion)
    {
      check.errors.append(.invalid(ValuePath(keys: "apiVersion"), .string(apiVersion), problem))
    }
    _ = check.requiredString(top["kind"], at: ValuePath(keys: "kind"))
    switch top["metadata"] {
    case nil, .null?:
      check.errors.append(.required(BasicsCheck.path("name"), BasicsCheck.nameRequired))
    case .map(let metadata)?:
      check.metadata(metadata, validateName: validateName)
    case let other?:
      check.errors.append(
        NameValidation.typeInvalid(ValuePath(keys: "metadata"), other, expected: "object"))
    }
    return check.errors
  }
}

/// The checks of `Object.validateBasics`, accumulating errors.
private struct BasicsCheck {
  var errors: [FieldError] = []

  static let nameRequired = "name or generateName is required"
  static let bannedOwners: Set<GroupVersionKind> = [
    GroupVersionKind(group: "", version: "v1", kind: "Event")
  ]
  static let orphanFinalizer = "orphan"
  static let foregroundFinalizer = "foregroundDeletion"

  /// `metadata.<key>`.
  static func path(_ key: String) -> ValuePath { ValuePath([.key("metadata"), .key(key)]) }

  /// A string that must be present and non-empty; nil after reporting it.
  mutating func requiredString(_ value: Value?, at path: ValuePath) -> String? {
    switch value {
    case .string(let s)? where !s.isEmpty: return s
    case nil, .null?, .string?: errors.append(.required(path))
    case let other?: errors.append(NameValidation.typeInvalid(path, other, expected: "string"))
    }
    return nil
  }

  /// An optional string: "" when absent or null, nil after reporting a wrong type.
  mutating func string(_ value: Value?, at path: @autoclosure () -> ValuePath) -> String? {
    switch value {
    case nil, .null?: return ""
    case .string(let s)?: return s
    case let other?:
      errors.append(NameValidation.typeInvalid(path(), other, expected: "string"))
      return nil
    }
  }

  /// An optional boolean; reports a wrong type.
  mutating func bool(_ value: Value?, at path: @autoclosure () -> ValuePath) {
    switch value {
    case nil, .null?, .bool?: break
    case let other?: errors.append(NameValidation.typeInvalid(path(), other, expected: "boolean"))
    }
  }

  mutating func metadata(_ m: ValueMap, validateName: NameValidation.NameValidator) {
    let generateName = string(m["generateName"], at: Self.path("generateName")) ?? ""
    if !generateName.isEmpty {
      for msg in validateName(generateName, true) {
        errors.append(.invalid(Self.path("generateName"), .string(generateName), msg))
      }
    }
    if let name = string(m["name"], at: Self.path("name")) {
      if !name.isEmpty {
        for msg in validateName(name, false) {
          errors.append(.invalid(Self.path("name"), .string(name), msg))
        }
      } else if generateName.isEmpty {
        errors.append(.required(Self.path("name"), Self.nameRequired))
      }
    }
    if let namespace = string(m["namespace"], at: Self.path("namespace")), !namespace.isEmpty {
      for msg in NameValidation.nameIsDNSLabel(namespace, false) {
        errors.append(.invalid(Self.path("namespace"), .string(namespace), msg))
      }
    }
    for key in ["uid", "resourceVersion", "creationTimestamp", "deletionTimestamp"] {
      _ = string(m[key], at: Self.path(key))
    }
    switch m["generation"] {
    case nil, .null?:
      break
    case .int(let generation)?:
      if generation < 0 {
        errors.append(
          .invalid(Self.path("generation"), .int(generation), "must be greater than or equal to 0")
        )
      }
    case let other?:
      errors.append(NameValidation.typeInvalid(Self.path("generation"), other, expected: "integer"))
    }
    errors += NameValidation.validateLabels(m["labels"], at: Self.path("labels"))
    errors += NameValidation.validateAnnotations(m["annotations"], at: Self.path("annotations"))
    ownerReferences(m["ownerReferences"])
    finalizers(m["finalizers"])
  }

  /// `ValidateOwnerReferences`; like Kubernetes, errors about one reference's fields name
  /// `metadata.ownerReferences.<field>` without the index (type errors carry it).
  mutating func ownerReferences(_ value: Value?) {
    let path = Self.path("ownerReferences")
    let refs: [Value]
    switch value {
    case nil, .null?: return
    case .list(let l)?: refs = l
    case let other?:
      errors.append(NameValidation.typeInvalid(path, other, expected: "array"))
      return
    }
    var firstController: String?
    for (i, ref) in refs.enumerated() {
      guard case .map(let m) = ref else {
        errors.append(NameValidation.typeInvalid(path.appending(i), ref, expected: "object"))
        continue
      }
      let apiVersion = string(m["apiVersion"], at: path.appending(i).appending("apiVersion"))
      let kind = string(m["kind"], at: path.appending(i).appending("kind"))
      let name = string(m["name"], at: path.appending(i).appending("name"))
      let uid = string(m["uid"], at: path.appending(i).appending("uid"))
      bool(m["controller"], at: path.appending(i).appending("controller"))
      bool(m["blockOwnerDeletion"], at: path.appending(i).appending("blockOwnerDeletion"))
      let gvk = GroupVersionKind(apiVersion: apiVersion ?? "", kind: kind ?? "")
      if let apiVersion, gvk.version.isEmpty {
        errors.append(
          .invalid(path.appending("apiVersion"), .string(apiVersion), "version must not be empty"))
      }
      for (field, text) in [("kind", kind), ("name", name), ("uid", uid)] {
        if let text, text.isEmpty {
          errors.append(.invalid(path.appending(field), .string(text), "must not be empty"))
        }
      }
      if Self.bannedOwners.contains(gvk) {
        errors.append(.invalid(path, ref, "\(gvk) is disallowed from being an owner"))
      }
      if m["controller"]?.boolValue == true {
        let current = (kind ?? "") + "/" + (name ?? "")
        if let firstController {
          errors.append(
            .invalid(
              path, .list(refs),
              "Only one reference can have Controller set to true. Found \"true\" in references"
                + " for \(firstController) and \(current)"))
        } else {
          firstController = current
        }
      }
    }
  }

  /// `ValidateFinalizers`: each a qualified name, not both orphan and foregroundDeletion.
  mutating func finalizers(_ value: Value?) {
    let path = Self.path("finalizers")
    let items: [Value]
    switch value {
    case nil, .null?: return
    case .list(let l)?: items = l
    case let other?:
      errors.append(NameValidation.typeInvalid(path, other, expected: "array"))
      return
    }
    var orphan = false
    var foreground = false
    for (i, item) in items.enumerated() {
      guard case .string(let finalizer) = item else {
        errors.append(NameValidation.typeInvalid(path.appending(i), item, expected: "string"))
        continue
      }
      for msg in NameValidation.isQualifiedName(finalizer) {
        errors.append(.invalid(path, .string(finalizer), msg))
      }
      if finalizer == Self.orphanFinalizer { orphan = true }
      if finalizer == Self.foregroundFinalizer { foreground = true }
    }
    if orphan && foreground {
      errors.append(
        .invalid(
          path, .list(items),
          "finalizer \(Self.orphanFinalizer) and \(Self.foregroundFinalizer) cannot be both set"))
    }
  }
}
