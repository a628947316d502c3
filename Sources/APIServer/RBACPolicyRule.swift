import Objects

/// One rule of a Role or ClusterRole (`rbac.authorization.k8s.io/v1` PolicyRule), with
/// kube's matching: `*` for any verb, group or resource; `resource/subresource` and
/// `*/subresource`; `resourceNames` limiting the objects; `nonResourceURLs` exact or with
/// a trailing `*` as a prefix.
public struct RBACPolicyRule: Sendable, Hashable {
  public var verbs: [String]
  public var apiGroups: [String]
  public var resources: [String]
  /// Empty: every object.
  public var resourceNames: [String]
  public var nonResourceURLs: [String]

  public init(
    verbs: [String], apiGroups: [String] = [], resources: [String] = [],
    resourceNames: [String] = [], nonResourceURLs: [String] = []
  ) {
    self.verbs = verbs
    self.apiGroups = apiGroups
    self.resources = resources
    self.resourceNames = resourceNames
    self.nonResourceURLs = nonResourceURLs
  }

  /// A rule as stored in a role's `rules` (absent or mistyped lists are empty, so a
  /// malformed rule grants nothing).
  public init(value: Value) {
    func strings(_ key: String) -> [String] {
      value[key]?.listValue?.compactMap(\.stringValue) ?? []
    }
    self.init(
      verbs: strings("verbs"), apiGroups: strings("apiGroups"), resources: strings("resources"),
      resourceNames: strings("resourceNames"), nonResourceURLs: strings("nonResourceURLs"))
  }

  /// The rule as JSON, empty lists left out.
  public var value: Value {
    var m: ValueMap = ["verbs": .list(verbs.map(Value.string))]
    for (key, list) in [
      ("apiGroups", apiGroups), ("resources", resources), ("resourceNames", resourceNames),
      ("nonResourceURLs", nonResourceURLs),
    ] where !list.isEmpty {
      m[key] = .list(list.map(Value.string))
    }
    return .map(m)
  }

  /// Whether this rule allows the request (kube's `RuleAllows`).
  public func allows(_ a: RequestAttributes) -> Bool {
    guard verbs.contains(where: { $0 == "*" || $0 == a.verb }) else { return false }
    if !a.isResourceRequest { return matchesNonResourceURL(a.path) }
    return apiGroups.contains { $0 == "*" || $0 == a.apiGroup }
      && matchesResource(a.qualifiedResource, subresource: a.subresource)
      && (resourceNames.isEmpty || resourceNames.contains(a.name))
  }

  /// `combined` is `resource` or `resource/subresource`.
  func matchesResource(_ combined: String, subresource: String) -> Bool {
    resources.contains { r in
      if r == "*" || r == combined { return true }
      return !subresource.isEmpty && r == "*/" + subresource
    }
  }

  func matchesNonResourceURL(_ path: String) -> Bool {
    nonResourceURLs.contains { url in
      if url == "*" || url == path { return true }
      guard url.hasSuffix("*") else { return false }
      var prefix = Substring(url)
      while prefix.last == "*" { prefix = prefix.dropLast() }
      return path.hasPrefix(prefix)
    }
  }
}
