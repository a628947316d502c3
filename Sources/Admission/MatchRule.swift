import Objects

/// One entry of `resourceRules` or `excludeResourceRules`
/// (`admissionregistration.k8s.io/v1` NamedRuleWithOperations): which operations on which
/// resources of which API groups and versions, optionally only some names.
public struct MatchRule: Sendable, Hashable {
  /// The scope a rule applies to.
  public enum Scope: String, Sendable, Hashable, CaseIterable {
    case all = "*"
    case cluster = "Cluster"
    case namespaced = "Namespaced"
  }

  /// `*` for all operations, or CREATE, UPDATE, DELETE, CONNECT.
  public var operations: [String]
  /// API groups (`""` is the core group), `*` for all.
  public var apiGroups: [String]
  /// API versions, `*` for all.
  public var apiVersions: [String]
  /// Resources (`deployments`), subresources (`deployments/status`), `*`, `*/*`,
  /// `*/status`, `deployments/*`.
  public var resources: [String]
  /// Names the rule is limited to; empty for all names.
  public var resourceNames: [String]
  /// The scope; `*` (the default) for all.
  public var scope: Scope

  public init(
    operations: [String], apiGroups: [String], apiVersions: [String], resources: [String],
    resourceNames: [String] = [], scope: Scope = .all
  ) {
    self.operations = operations
    self.apiGroups = apiGroups
    self.apiVersions = apiVersions
    self.resources = resources
    self.resourceNames = resourceNames
    self.scope = scope
  }

  init(value: Value, path: ValuePath, decoding d: inout AdmissionDecoding) {
    operations = d.strings(value["operations"], path.appending("operations"))
    apiGroups = d.strings(value["apiGroups"], path.appending("apiGroups"))
    apiVersions = d.strings(value["apiVersions"], path.appending("apiVersions"))
    resources = d.strings(value["resources"], path.appending("resources"))
    resourceNames = d.strings(value["resourceNames"], path.appending("resourceNames"))
    scope = d.choice(value["scope"], path.appending("scope"), default: .all)
    for op in operations where !["*", "CREATE", "UPDATE", "DELETE", "CONNECT"].contains(op) {
      d.errors.append(
        .notSupported(
          path.appending("operations"), .string(op), ["*", "CONNECT", "CREATE", "DELETE", "UPDATE"]
        ))
    }
  }

  /// True when this rule covers the request, ignoring `resourceNames`
  /// (kube-apiserver's `rules.Matcher`).
  func covers(
    operation: AdmissionOperation, resource: GroupVersionResource, subresource: String,
    namespace: String
  ) -> Bool {
    guard operations.contains("*") || operations.contains(operation.rawValue) else { return false }
    guard apiGroups.contains("*") || apiGroups.contains(resource.group) else { return false }
    guard apiVersions.contains("*") || apiVersions.contains(resource.version) else { return false }
    let resourceMatches = resources.contains { pattern in
      let parts = pattern.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
      let res = String(parts[0])
      let sub = parts.count > 1 ? String(parts[1]) : ""
      return (res == "*" || res == resource.resource) && (sub == "*" || sub == subresource)
    }
    guard resourceMatches else { return false }
    let isNamespaceObject = resource.group.isEmpty && resource.resource == "namespaces"
    switch scope {
    case .all: return true
    case .namespaced: return !isNamespaceObject && !namespace.isEmpty
    case .cluster: return isNamespaceObject || namespace.isEmpty
    }
  }

  /// True when `resourceNames` is empty or holds `name`.
  func coversName(_ name: String) -> Bool {
    resourceNames.isEmpty || resourceNames.contains(name)
  }
}
