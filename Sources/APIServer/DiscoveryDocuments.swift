import Objects
import Store

/// The discovery documents kubectl reads to map names to resources: legacy
/// (`APIVersions`, `APIGroupList`, `APIResourceList`) and aggregated
/// (`apidiscovery.k8s.io/v2` `APIGroupDiscoveryList`), built from the type registry so a
/// new CRD shows up at once.
public struct DiscoveryDocuments: Sendable {
  /// The media type of aggregated discovery; the response must carry it exactly.
  public static let aggregatedMediaType =
    "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"

  let types: [ResourceType]
  let serverAddress: String
  /// Read-only subresources served beside `status` (`syncs/manifests`), listed with the
  /// verb `get` and a v1 `List` answer.
  let readOnlySubresources: [SubresourceName]

  public init(
    registry: TypeRegistry, serverAddress: String, readOnlySubresources: [SubresourceName] = []
  ) {
    self.types = registry.types + AccessReviewHandler.resourceTypes
    self.serverAddress = serverAddress
    self.readOnlySubresources = readOnlySubresources.sorted { $0.subresource < $1.subresource }
  }

  /// The read-only subresources of `t`.
  func readOnlySubresources(of t: ResourceType) -> [String] {
    readOnlySubresources.filter { $0.resource == t.groupResource }.map(\.subresource)
  }

  static let verbs: [Value] = [
    "create", "delete", "deletecollection", "get", "list", "patch", "update", "watch",
  ]

  /// The verbs of `t`: `create` only for the self reviews, all verbs otherwise.
  static func verbs(for t: ResourceType) -> [Value] {
    AccessReviewHandler.discoveryVerbs(for: t)?.map(Value.string) ?? verbs
  }

  /// Groups in discovery order: the core group first, Mooring's own groups after kube's.
  var groups: [(name: String, versions: [String], types: [ResourceType])] {
    var order: [String] = []
    var byGroup: [String: [ResourceType]] = [:]
    for t in types {
      if byGroup[t.group] == nil { order.append(t.group) }
      byGroup[t.group, default: []].append(t)
    }
    return order.map { g in
      let members = byGroup[g] ?? []
      var versions: [String] = []
      for t in members {
        for v in t.versions where !versions.contains(v) { versions.append(v) }
      }
      return (g, versions, members)
    }
  }

  /// `GET /api` (legacy).
  public var coreVersions: Value {
    [
      "kind": "APIVersions", "versions": ["v1"],
      "serverAddressByClientCIDRs": [
        ["clientCIDR": "0.0.0.0/0", "serverAddress": .string(serverAddress)]
      ],
    ]
  }

  /// `GET /apis` (legacy).
  public var groupList: Value {
    [
      "kind": "APIGroupList", "apiVersion": "v1",
      "groups": .list(groups.filter { !$0.name.isEmpty }.map { group($0.name, $0.versions) }),
    ]
  }

  /// `GET /apis/GROUP`, nil when the group is not served.
  public func group(named name: String) -> Value? {
    guard let g = groups.first(where: { $0.name == name && !name.isEmpty }) else { return nil }
    var v = group(g.name, g.versions)
    v["kind"] = "APIGroup"
    v["apiVersion"] = "v1"
    return v
  }

  func group(_ name: String, _ versions: [String]) -> Value {
    let list: [Value] = versions.map {
      ["groupVersion": .string("\(name)/\($0)"), "version": .string($0)]
    }
    return [
      "name": .string(name), "versions": .list(list), "preferredVersion": list.first ?? .null,
    ]
  }

  /// `GET /api/v1` or `/apis/GROUP/VERSION`, nil when not served.
  public func resourceList(group: String, version: String) -> Value? {
    let members = types.filter { $0.group == group && $0.versions.contains(version) }
    guard !members.isEmpty || (group == "" && version == "v1") else { return nil }
    var resources: [Value] = []
    for t in members {
      var r: ValueMap = [
        "name": .string(t.plural), "singularName": .string(t.singular),
        "namespaced": .bool(t.namespaced), "kind": .string(t.kind),
        "verbs": .list(Self.verbs(for: t)),
      ]
      if !t.shortNames.isEmpty { r["shortNames"] = .list(t.shortNames.map(Value.string)) }
      if !t.categories.isEmpty { r["categories"] = .list(t.categories.map(Value.string)) }
      resources.append(.map(r))
      if t.hasStatusSubresource {
        resources.append([
          "name": .string("\(t.plural)/status"), "singularName": "",
          "namespaced": .bool(t.namespaced), "kind": .string(t.kind),
          "verbs": ["get", "patch", "update"],
        ])
      }
      for sub in readOnlySubresources(of: t) {
        resources.append([
          "name": .string("\(t.plural)/\(sub)"), "singularName": "",
          "namespaced": .bool(t.namespaced), "kind": "List", "verbs": ["get"],
        ])
      }
    }
    return [
      "kind": "APIResourceList", "apiVersion": "v1",
      "groupVersion": .string(group.isEmpty ? version : "\(group)/\(version)"),
      "resources": .list(resources),
    ]
  }

  /// `GET /api` or `/apis` as aggregated discovery.
  public func aggregated(core: Bool) -> Value {
    var items: [Value] = []
    for g in groups where g.name.isEmpty == core {
      var metadata: ValueMap = ["creationTimestamp": .null]
      if !core { metadata["name"] = .string(g.name) }
      let versions: [Value] = g.versions.map { version in
        let resources: [Value] = g.types.filter { $0.versions.contains(version) }.map { t in
          let responseKind: Value = [
            "group": .string(t.group), "version": .string(version), "kind": .string(t.kind),
          ]
          var r: ValueMap = [
            "resource": .string(t.plural), "responseKind": responseKind,
            "scope": t.namespaced ? "Namespaced" : "Cluster",
            "singularResource": .string(t.singular), "verbs": .list(Self.verbs(for: t)),
          ]
          if !t.shortNames.isEmpty { r["shortNames"] = .list(t.shortNames.map(Value.string)) }
          if !t.categories.isEmpty { r["categories"] = .list(t.categories.map(Value.string)) }
          var subresources: [Value] = []
          if t.hasStatusSubresource {
            subresources.append([
              "subresource": "status", "responseKind": responseKind,
              "verbs": ["get", "patch", "update"],
            ])
          }
          for sub in readOnlySubresources(of: t) {
            subresources.append([
              "subresource": .string(sub),
              "responseKind": ["group": "", "version": "v1", "kind": "List"], "verbs": ["get"],
            ])
          }
          if !subresources.isEmpty { r["subresources"] = .list(subresources) }
          return .map(r)
        }
        return ["version": .string(version), "freshness": "Current", "resources": .list(resources)]
      }
      items.append(["metadata": .map(metadata), "versions": .list(versions)])
    }
    return [
      "kind": "APIGroupDiscoveryList", "apiVersion": "apidiscovery.k8s.io/v2",
      "metadata": .map([:]), "items": .list(items),
    ]
  }
}
