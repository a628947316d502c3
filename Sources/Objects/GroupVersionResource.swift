/// A resource (the plural name in API paths) in a version of an API group
/// (Kubernetes' `schema.GroupVersionResource`).
public struct GroupVersionResource: Sendable, Hashable, CustomStringConvertible {
  /// The API group; empty for the core group.
  public var group: String
  /// The version within the group.
  public var version: String
  /// The resource, such as `deployments`.
  public var resource: String

  /// A group version resource from its parts.
  public init(group: String, version: String, resource: String) {
    self.group = group
    self.version = version
    self.resource = resource
  }

  /// The resource in an `apiVersion`; an unparsable one leaves group and version empty.
  public init(apiVersion: String, resource: String) {
    let gv = GroupVersion(parsing: apiVersion) ?? GroupVersion(group: "", version: "")
    self.init(group: gv.group, version: gv.version, resource: resource)
  }

  /// The group and version.
  public var groupVersion: GroupVersion {
    get { GroupVersion(group: group, version: version) }
    set {
      group = newValue.group
      version = newValue.version
    }
  }

  /// The `apiVersion` form of group and version: `apps/v1`, or `v1` for the core group.
  public var apiVersion: String { groupVersion.apiVersion }

  /// Kubernetes' rendering: `apps/v1, Resource=deployments`, `/v1, Resource=pods` for core.
  public var description: String { group + "/" + version + ", Resource=" + resource }
}
