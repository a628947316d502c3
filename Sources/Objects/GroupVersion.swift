/// An API group and version, written as an `apiVersion`: `apps/v1`, or `v1` for the core
/// group (Kubernetes' `schema.GroupVersion`).
public struct GroupVersion: Sendable, Hashable, CustomStringConvertible {
  /// The API group; empty for the core group.
  public var group: String
  /// The version within the group, such as `v1`.
  public var version: String

  /// A group version from its parts.
  public init(group: String, version: String) {
    self.group = group
    self.version = version
  }

  /// Parses an `apiVersion` as `ParseGroupVersion` does: `version` or `group/version`;
  /// the empty string and `/` give the empty group version. Nil for more than one `/`.
  public init?(parsing apiVersion: String) {
    guard let slash = apiVersion.utf8.firstIndex(of: UInt8(ascii: "/")) else {
      self.init(group: "", version: apiVersion)
      return
    }
    let version = apiVersion[apiVersion.utf8.index(after: slash)...]
    if version.utf8.contains(UInt8(ascii: "/")) { return nil }
    self.init(group: String(apiVersion[..<slash]), version: String(version))
  }

  /// The `apiVersion` form: `group/version`, or just `version` for the core group.
  public var apiVersion: String { group.isEmpty ? version : group + "/" + version }

  /// This group version with a kind.
  public func withKind(_ kind: String) -> GroupVersionKind {
    GroupVersionKind(group: group, version: version, kind: kind)
  }

  /// This group version with a resource.
  public func withResource(_ resource: String) -> GroupVersionResource {
    GroupVersionResource(group: group, version: version, resource: resource)
  }

  /// The `apiVersion` form.
  public var description: String { apiVersion }

  /// Why `apiVersion` is not a usable group version, worded for a field error; nil when
  /// it is. The empty string is reported as missing by callers, not here.
  static func problem(with apiVersion: String) -> String? {
    guard let gv = GroupVersion(parsing: apiVersion) else {
      return "unexpected GroupVersion string"
    }
    return gv.version.isEmpty ? "version must not be empty" : nil
  }
}
