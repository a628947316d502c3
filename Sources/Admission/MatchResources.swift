import Objects

/// `matchConstraints` of a policy or `matchResources` of a binding
/// (`admissionregistration.k8s.io/v1` MatchResources).
public struct MatchResources: Sendable {
  /// How a rule written for one version applies to equivalent versions.
  public enum MatchPolicy: String, Sendable, Hashable, CaseIterable {
    /// Only the exact group, version and resource.
    case exact = "Exact"
    /// Also the same resource served at another version (the default).
    case equivalent = "Equivalent"
  }

  /// Selects by the labels of the request's namespace (or of a Namespace object itself).
  public var namespaceSelector: LabelSelector
  /// Selects by the labels of the object (new or old).
  public var objectSelector: LabelSelector
  /// The rules a request must match; for a binding, none means "whatever the policy matches".
  public var resourceRules: [MatchRule]
  /// Rules that exclude a request even when `resourceRules` match it.
  public var excludeResourceRules: [MatchRule]
  /// `Equivalent` (the default) or `Exact`.
  public var matchPolicy: MatchPolicy

  public init(
    namespaceSelector: LabelSelector = .everything, objectSelector: LabelSelector = .everything,
    resourceRules: [MatchRule] = [], excludeResourceRules: [MatchRule] = [],
    matchPolicy: MatchPolicy = .equivalent
  ) {
    self.namespaceSelector = namespaceSelector
    self.objectSelector = objectSelector
    self.resourceRules = resourceRules
    self.excludeResourceRules = excludeResourceRules
    self.matchPolicy = matchPolicy
  }

  init(value: Value, path: ValuePath, decoding d: inout AdmissionDecoding) {
    namespaceSelector = d.selector(value["namespaceSelector"], path.appending("namespaceSelector"))
    objectSelector = d.selector(value["objectSelector"], path.appending("objectSelector"))
    let rulesPath = path.appending("resourceRules")
    resourceRules = d.list(value["resourceRules"], rulesPath).enumerated().map { i, rule in
      MatchRule(value: rule, path: rulesPath.appending(i), decoding: &d)
    }
    let excludePath = path.appending("excludeResourceRules")
    excludeResourceRules = d.list(value["excludeResourceRules"], excludePath).enumerated().map {
      i, rule in
      MatchRule(value: rule, path: excludePath.appending(i), decoding: &d)
    }
    matchPolicy = d.choice(
      value["matchPolicy"], path.appending("matchPolicy"), default: .equivalent)
  }
}
