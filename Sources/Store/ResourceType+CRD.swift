import Objects

extension ResourceType {
  /// The kind a CustomResourceDefinition declares, as the store registers it: group,
  /// served versions (the storage version first), names, scope, selectable fields of the
  /// storage version and whether it enables the status subresource. Every problem that
  /// keeps it from being served is reported at once, at its field path.
  public init(customResourceDefinition crd: Object) throws(StoreError) {
    var errors: [FieldError] = []
    let spec = crd.value["spec"]
    func text(_ path: ValuePath) -> String {
      if case .string(let s)? = crd.value[path: path], !s.isEmpty { return s }
      errors.append(.required(path))
      return ""
    }
    let group = text("spec.group")
    let plural = text("spec.names.plural")
    let kind = text("spec.names.kind")
    let scope = text("spec.scope")
    if !scope.isEmpty, scope != "Namespaced", scope != "Cluster" {
      errors.append(
        .notSupported("spec.scope", .string(scope), ["Cluster", "Namespaced"]))
    }
    if let name = crd.name, !plural.isEmpty, !group.isEmpty, name != "\(plural).\(group)" {
      errors.append(
        .invalid("metadata.name", .string(name), "must be spec.names.plural+\".\"+spec.group"))
    }
    var served: [String] = []
    var storage: [String] = []
    var selectable: [String] = []
    var status = false
    let versions = spec?["versions"]?.listValue ?? []
    if versions.isEmpty {
      errors.append(.required("spec.versions", "must have at least one version"))
    }
    for (i, version) in versions.enumerated() {
      let base = ValuePath(keys: "spec", "versions").appending(i)
      guard case .string(let name)? = version["name"], !name.isEmpty else {
        errors.append(.required(base.appending("name")))
        continue
      }
      let isStorage = version["storage"]?.boolValue ?? false
      if isStorage {
        storage.append(name)
        status = version["subresources"]?["status"] != nil
        for field in version["selectableFields"]?.listValue ?? [] {
          if let path = field["jsonPath"]?.stringValue {
            selectable.append(path.hasPrefix(".") ? String(path.dropFirst()) : path)
          }
        }
      }
      if version["served"]?.boolValue ?? false { served.append(name) }
    }
    if !versions.isEmpty, storage.count != 1 {
      errors.append(
        .invalid(
          "spec.versions", .int(Int64(storage.count)),
          "must have exactly one version marked as storage version"))
    }
    guard errors.isEmpty else { throw .invalid(nil, errors) }
    let storageVersion = storage[0]
    let ordered =
      served.contains(storageVersion)
      ? [storageVersion] + served.filter { $0 != storageVersion } : served
    self.init(
      group: group, versions: ordered, kind: kind,
      listKind: spec?["names"]?["listKind"]?.stringValue,
      plural: plural, singular: spec?["names"]?["singular"]?.stringValue,
      shortNames: spec?["names"]?["shortNames"]?.listValue?.compactMap(\.stringValue) ?? [],
      categories: spec?["names"]?["categories"]?.listValue?.compactMap(\.stringValue) ?? [],
      namespaced: scope == "Namespaced", selectableFields: selectable,
      hasStatusSubresource: status)
  }
}
