/// A kind of object in a version of an API group (Kubernetes' `schema.GroupVersionKind`).
public struct GroupVersionKind: Sendable, Hashable, CustomStringConvertible {
  /// The API group; empty for the core group.
  public var group: String
  /// The version within the group.
  public var version: String
  /// The kind, such as `Deployment`.
  public var kind: String

  /// A group version kind from its parts.
  public init(group: String, version: String, kind: String) {
    self.group = group
    self.version = version
    self.kind = kind
  }

  /// The group version kind of a manifest's `apiVersion` and `kind`, as
  /// `FromAPIVersionAndKind` does: an unparsable `apiVersion` leaves group and version empty.
  public init(apiVersion: String, kind: String) {
    let gv = GroupVersion(parsing: apiVersion) ?? GroupVersion(group: "", version: "")
    self.init(group: gv.group, version: gv.version, kind: kind)
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

  /// Kubernetes' rendering: `apps/v1, Kind=Deployment`, `/v1, Kind=Pod` for the core group.
  public var description: String { group + "/" + version + ", Kind=" + kind }
}
