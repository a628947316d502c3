import Objects

/// Structural pruning as kube-apiserver does it: drops every member a schema does not
/// declare, except under `x-kubernetes-preserve-unknown-fields` or
/// `additionalProperties: true`. A resource root (the object, or an
/// `x-kubernetes-embedded-resource`) always keeps `apiVersion`, `kind` and `metadata`,
/// with `metadata` cut to ObjectMeta's fields.
public enum SchemaPruner {
  /// The fields of ObjectMeta.
  static let objectMetaFields: Set<String> = [
    "name", "generateName", "namespace", "selfLink", "uid", "resourceVersion", "generation",
    "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "labels",
    "annotations", "ownerReferences", "finalizers", "managedFields",
  ]

  /// Prunes `value` in place; returns the paths of the dropped fields.
  ///
  /// - Parameter root: true when `value` is a whole object (a resource root).
  @discardableResult
  public static func prune(
    _ value: inout Value, schema: StructuralSchema, at path: ValuePath = ValuePath(),
    root: Bool = true
  ) -> [ValuePath] {
    var unknown: [ValuePath] = []
    prune(&value, schema, path, resourceRoot: root, &unknown)
    return unknown
  }

  static func prune(
    _ value: inout Value, _ s: StructuralSchema, _ path: ValuePath, resourceRoot: Bool,
    _ unknown: inout [ValuePath]
  ) {
    switch value {
    case .map(var m):
      value = .null  // keep `m` uniquely referenced while it changes
      var dropped: [String] = []
      for key in m.keys {
        let at = path.appending(key)
        if resourceRoot && (key == "apiVersion" || key == "kind") { continue }
        if resourceRoot && key == "metadata" && s.properties["metadata"]?.type != "string" {
          if case .map(var meta)? = m[key] {
            m[key] = .null
            for k in meta.keys where !objectMetaFields.contains(k) {
              meta[k] = nil
              unknown.append(at.appending(k))
            }
            m[key] = .map(meta)
          }
          continue
        }
        if let child = s.schema(forMember: key) {
          guard var member = m[key] else { continue }
          m[key] = .null
          prune(&member, child, at, resourceRoot: child.embeddedResource, &unknown)
          m[key] = member
        } else if !s.preserveUnknownFields, !isAllowed(s.additionalProperties) {
          dropped.append(key)
          unknown.append(at)
        }
      }
      for key in dropped { m[key] = nil }
      value = .map(m)
    case .list(var l):
      guard let items = s.items else { return }
      value = .null
      for i in l.indices {
        prune(&l[i], items, path.appending(i), resourceRoot: items.embeddedResource, &unknown)
      }
      value = .list(l)
    default:
      break
    }
  }

  static func isAllowed(_ ap: StructuralSchema.AdditionalProperties?) -> Bool {
    if case .allowed(true)? = ap { return true }
    return false
  }
}
