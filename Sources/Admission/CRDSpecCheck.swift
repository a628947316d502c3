import Objects

/// Reads a CustomResourceDefinition object and checks what kube-apiserver checks before
/// looking at schemas: kind, `metadata.name` = `<plural>.<group>`, group, names, scope,
/// versions (unique DNS-1035 names, exactly one storage version, a schema each).
struct CRDSpecCheck {
  /// One entry of `spec.versions`.
  struct Version {
    var name: String
    var served: Bool
    var storage: Bool
    var schema: Value?
    var schemaPath: ValuePath
  }

  /// What the CRD declares.
  struct Names {
    var group = ""
    var kind = ""
    var plural = ""
    var singular = ""
    var listKind = ""
    var namespaced = false
    var versions: [Version] = []
  }

  var errors: [FieldError] = []

  mutating func read(_ crd: Value) -> Names {
    var names = Names()
    if crd["apiVersion"]?.stringValue != "apiextensions.k8s.io/v1" {
      errors.append(
        .notSupported(
          ValuePath(keys: "apiVersion"), crd["apiVersion"] ?? .null, ["apiextensions.k8s.io/v1"]))
    }
    if crd["kind"]?.stringValue != "CustomResourceDefinition" {
      errors.append(
        .notSupported(ValuePath(keys: "kind"), crd["kind"] ?? .null, ["CustomResourceDefinition"]))
    }
    guard case .map? = crd["spec"] else {
      errors.append(.required(ValuePath(keys: "spec")))
      return names
    }
    let spec = ValuePath(keys: "spec")
    names.group = requiredString(crd, spec.appending("group")) ?? ""
    if !names.group.isEmpty {
      for problem in NameValidation.isDNS1123Subdomain(names.group) {
        errors.append(.invalid(spec.appending("group"), .string(names.group), problem))
      }
      if !names.group.contains(".") {
        errors.append(
          .invalid(
            spec.appending("group"), .string(names.group),
            "should be a domain with at least one dot"))
      }
    }
    let namesPath = spec.appending("names")
    names.plural = requiredString(crd, namesPath.appending("plural")) ?? ""
    names.kind = requiredString(crd, namesPath.appending("kind")) ?? ""
    names.singular =
      crd[path: namesPath.appending("singular")]?.stringValue ?? names.kind.lowercased()
    names.listKind = crd[path: namesPath.appending("listKind")]?.stringValue ?? names.kind + "List"
    for (key, value) in [("plural", names.plural), ("singular", names.singular)]
    where !value.isEmpty {
      for problem in NameValidation.isDNS1035Label(value) {
        errors.append(.invalid(namesPath.appending(key), .string(value), problem))
      }
    }
    if !names.kind.isEmpty {
      for problem in NameValidation.isDNS1035Label(names.kind.lowercased()) {
        errors.append(.invalid(namesPath.appending("kind"), .string(names.kind), problem))
      }
      if names.kind == names.listKind {
        errors.append(
          .invalid(
            namesPath.appending("listKind"), .string(names.listKind),
            "kind and listKind may not be the same"))
      }
    }
    let name = crd[path: "metadata.name"]?.stringValue ?? ""
    if name.isEmpty {
      errors.append(
        .required(ValuePath(keys: "metadata", "name"), "name or generateName is required"))
    } else if !names.plural.isEmpty && !names.group.isEmpty
      && name != "\(names.plural).\(names.group)"
    {
      errors.append(
        .invalid(
          ValuePath(keys: "metadata", "name"), .string(name),
          "must be spec.names.plural+\".\"+spec.group"))
    }
    let scopePath = spec.appending("scope")
    switch crd[path: scopePath] {
    case .string("Namespaced")?: names.namespaced = true
    case .string("Cluster")?: names.namespaced = false
    case nil, .null?: errors.append(.required(scopePath))
    case let other?: errors.append(.notSupported(scopePath, other, ["Cluster", "Namespaced"]))
    }
    if crd[path: spec.appending("preserveUnknownFields")] == .bool(true) {
      errors.append(
        .invalid(
          spec.appending("preserveUnknownFields"), true,
          "cannot set to true, set x-kubernetes-preserve-unknown-fields to true in spec.versions[*].schema instead"
        ))
    }
    names.versions = versions(crd, spec.appending("versions"))
    return names
  }

  mutating func versions(_ crd: Value, _ path: ValuePath) -> [Version] {
    guard case .list(let list)? = crd[path: path], !list.isEmpty else {
      errors.append(.required(path, "must have exactly one version marked as storage version"))
      return []
    }
    var out: [Version] = []
    var seen: Set<String> = []
    for (i, entry) in list.enumerated() {
      let at = path.appending(i)
      let name = requiredString(crd, at.appending("name")) ?? ""
      if !name.isEmpty {
        for problem in NameValidation.isDNS1035Label(name) {
          errors.append(.invalid(at.appending("name"), .string(name), problem))
        }
        if !seen.insert(name).inserted {
          errors.append(.duplicate(at.appending("name"), .string(name)))
        }
      }
      let served = flag(entry["served"], at.appending("served"))
      let storage = flag(entry["storage"], at.appending("storage"))
      let schemaPath = at.appending("schema").appending("openAPIV3Schema")
      let schema = crd[path: schemaPath]
      if schema == nil || schema == .null {
        errors.append(.required(schemaPath, "schemas are required"))
      }
      out.append(
        Version(
          name: name, served: served, storage: storage, schema: schema == .null ? nil : schema,
          schemaPath: schemaPath))
    }
    let storageCount = out.filter(\.storage).count
    if storageCount != 1 {
      errors.append(
        .invalid(
          path, .list(out.filter(\.storage).map { .string($0.name) }),
          "must have exactly one version marked as storage version"))
    }
    return out
  }

  mutating func requiredString(_ crd: Value, _ path: ValuePath) -> String? {
    switch crd[path: path] {
    case .string(let s)? where !s.isEmpty: return s
    case nil, .null?, .string?: errors.append(.required(path))
    case let other?: errors.append(FieldError(.typeInvalid, path, other, "must be of type string"))
    }
    return nil
  }

  mutating func flag(_ value: Value?, _ path: ValuePath) -> Bool {
    switch value {
    case .bool(let b)?: return b
    case nil, .null?:
      errors.append(.required(path))
      return false
    case let other?:
      errors.append(FieldError(.typeInvalid, path, other, "must be of type boolean"))
      return false
    }
  }
}
