import Foundation

/// A request path of the Kubernetes REST API, parsed:
/// `/apis/GROUP/VERSION[/namespaces/NS]/RESOURCE[/NAME[/SUBRESOURCE]]`, with `/api/v1` for
/// the core group.
public struct ResourcePath: Sendable, Hashable {
  public var group: String
  public var version: String
  public var namespace: String?
  public var resource: String
  public var name: String?
  public var subresource: String?

  public init(
    group: String, version: String, namespace: String? = nil, resource: String,
    name: String? = nil, subresource: String? = nil
  ) {
    self.group = group
    self.version = version
    self.namespace = namespace
    self.resource = resource
    self.name = name
    self.subresource = subresource
  }

  /// What a path names: a discovery document, or a resource (collection or object).
  public enum Target: Sendable, Hashable {
    /// `/api` or `/apis`.
    case groups(core: Bool)
    /// `/apis/GROUP`.
    case group(String)
    /// `/api/v1` or `/apis/GROUP/VERSION`.
    case groupVersion(group: String, version: String)
    case resource(ResourcePath)
  }

  /// Parses `path` (without the query); nil when it is not an API path.
  public static func parse(_ path: String) -> Target? {
    let parts = segments(path)
    guard let head = parts.first else { return nil }
    let group: String
    let version: String
    var rest: ArraySlice<String>
    switch head {
    case "api":
      if parts.count == 1 { return .groups(core: true) }
      group = ""
      version = parts[1]
      rest = parts.dropFirst(2)
    case "apis":
      if parts.count == 1 { return .groups(core: false) }
      if parts.count == 2 { return .group(parts[1]) }
      group = parts[1]
      version = parts[2]
      rest = parts.dropFirst(3)
    default:
      return nil
    }
    guard let first = rest.first else { return .groupVersion(group: group, version: version) }
    var namespace: String?
    if first == "namespaces", rest.count >= 3 {
      let third = rest[rest.startIndex + 2]
      // `/api/v1/namespaces/NAME/status|finalize` is the Namespace's own subresource.
      let namespaceSubresource =
        group.isEmpty && rest.count == 3 && ["status", "finalize"].contains(third)
      if !namespaceSubresource {
        namespace = rest[rest.startIndex + 1]
        rest = rest.dropFirst(2)
      }
    }
    guard rest.count <= 3, let resource = rest.first else { return nil }
    let items = Array(rest)
    return .resource(
      ResourcePath(
        group: group, version: version, namespace: namespace, resource: resource,
        name: items.count > 1 ? items[1] : nil, subresource: items.count > 2 ? items[2] : nil))
  }

  /// The non-empty `/`-separated segments of `path`, percent-decoded. Split on UTF-8 bytes:
  /// `String.split` compares Characters (grapheme breaking), which cost more than the
  /// rest of a GET answered on the event loop.
  static func segments(_ path: String) -> [String] {
    var parts: [String] = []
    parts.reserveCapacity(8)
    let utf8 = path.utf8
    var start = utf8.startIndex
    var escaped = false
    var i = start
    func take(_ end: String.UTF8View.Index) {
      guard start < end else { return }
      let part = String(Substring(utf8[start..<end]))
      parts.append(escaped ? part.removingPercentEncoding ?? part : part)
    }
    while i < utf8.endIndex {
      let byte = utf8[i]
      if byte == UInt8(ascii: "/") {
        take(i)
        start = utf8.index(after: i)
        escaped = false
      } else if byte == UInt8(ascii: "%") {
        escaped = true
      }
      i = utf8.index(after: i)
    }
    take(utf8.endIndex)
    return parts
  }

  /// `group/version` or `version` for the core group.
  public var apiVersion: String { group.isEmpty ? version : "\(group)/\(version)" }
}
