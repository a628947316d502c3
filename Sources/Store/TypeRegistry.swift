import Objects

/// The kinds the store serves: built-ins plus every registered CRD kind. A value type:
/// the store holds the current registry and hands out snapshots.
public struct TypeRegistry: Sendable, Equatable {
  private var byResource: [GroupResource: ResourceType] = [:]
  private var byKind: [String: GroupResource] = [:]  // "group/Kind"

  /// An empty registry.
  public init() {}

  /// A registry of `types`.
  public init(_ types: [ResourceType]) {
    for t in types { register(t) }
  }

  /// Every type, ordered by group then plural.
  public var types: [ResourceType] {
    byResource.values.sorted { ($0.group, $0.plural) < ($1.group, $1.plural) }
  }

  /// Adds or replaces a type.
  public mutating func register(_ type: ResourceType) {
    if let old = byResource[type.groupResource] { byKind["\(old.group)/\(old.kind)"] = nil }
    byResource[type.groupResource] = type
    byKind["\(type.group)/\(type.kind)"] = type.groupResource
  }

  /// Removes a type; returns it if it was there.
  @discardableResult
  public mutating func remove(_ resource: GroupResource) -> ResourceType? {
    guard let t = byResource.removeValue(forKey: resource) else { return nil }
    byKind["\(t.group)/\(t.kind)"] = nil
    return t
  }

  /// The type stored under `resource`.
  public func type(for resource: GroupResource) -> ResourceType? { byResource[resource] }

  /// The type of objects with this apiVersion and kind, if that version is served.
  public func type(for gvk: GroupVersionKind) -> ResourceType? {
    guard let r = byKind["\(gvk.group)/\(gvk.kind)"], let t = byResource[r],
      t.versions.contains(gvk.version)
    else { return nil }
    return t
  }

  /// The type a user names the way kubectl accepts: plural, singular, short name or
  /// kind (case-insensitive), optionally qualified by group (`projects.resourcemanager...`).
  public func resolve(_ name: String) -> ResourceType? {
    let lower = name.lowercased()
    for t in types {
      let names = [t.plural, t.singular, t.kind.lowercased()] + t.shortNames
      for n in names where n == lower || (!t.group.isEmpty && "\(n).\(t.group)" == lower) {
        return t
      }
    }
    return nil
  }
}
