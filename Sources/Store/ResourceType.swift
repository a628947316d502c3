import Objects

/// A kind the store serves: its group, versions, names and scope, as discovery and
/// kubectl see it. Built-in kinds and CRD kinds are described the same way.
public struct ResourceType: Sendable, Hashable {
  public var group: String
  /// Versions served, the storage version first.
  public var versions: [String]
  public var kind: String
  public var listKind: String
  /// Lower-case plural (the REST resource name), e.g. `projects`.
  public var plural: String
  public var singular: String
  public var shortNames: [String]
  public var categories: [String]
  public var namespaced: Bool
  /// Field paths (beyond metadata.name and metadata.namespace) usable in field selectors,
  /// e.g. `spec.type` (CRD `selectableFields`).
  public var selectableFields: [String]
  /// Whether the `status` subresource is enabled (status writes only through it).
  public var hasStatusSubresource: Bool

  public init(
    group: String, versions: [String], kind: String, listKind: String? = nil, plural: String,
    singular: String? = nil, shortNames: [String] = [], categories: [String] = [],
    namespaced: Bool, selectableFields: [String] = [], hasStatusSubresource: Bool = true
  ) {
    self.group = group
    self.versions = versions
    self.kind = kind
    self.listKind = listKind ?? kind + "List"
    self.plural = plural
    self.singular = singular ?? kind.lowercased()
    self.shortNames = shortNames
    self.categories = categories
    self.namespaced = namespaced
    self.selectableFields = selectableFields
    self.hasStatusSubresource = hasStatusSubresource
  }

  /// How names of this kind are checked: RBAC kinds only need a path segment (kube's
  /// `system:` roles have colons), everything else a DNS subdomain.
  public var nameValidator: NameValidation.NameValidator {
    group == "rbac.authorization.k8s.io"
      ? NameValidation.nameIsPathSegment : NameValidation.nameIsDNSSubdomain
  }

  /// The group and plural that key this type's objects in the store.
  public var groupResource: GroupResource { GroupResource(group: group, resource: plural) }
}

/// A group and a plural resource name: the key of a kind in the store (all versions of a
/// kind share one set of objects).
public struct GroupResource: Sendable, Hashable, CustomStringConvertible {
  public var group: String
  public var resource: String

  public init(group: String, resource: String) {
    self.group = group
    self.resource = resource
  }

  /// `projects.resourcemanager.mooring.dev`, or `namespaces` for the core group.
  public var description: String { group.isEmpty ? resource : "\(resource).\(group)" }
}

/// Where one object lives.
public struct ObjectKey: Sendable, Hashable, CustomStringConvertible {
  public var resource: GroupResource
  /// Nil for cluster-scoped kinds.
  public var namespace: String?
  public var name: String

  public init(_ resource: GroupResource, namespace: String?, name: String) {
    self.resource = resource
    self.namespace = namespace
    self.name = name
  }

  public var description: String {
    namespace.map { "\(resource) \($0)/\(name)" } ?? "\(resource) \(name)"
  }
}
