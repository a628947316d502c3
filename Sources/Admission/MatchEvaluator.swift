import Objects

/// Decides whether a policy's `matchConstraints` or a binding's `matchResources` cover a
/// request, as kube-apiserver's `matching.Matcher` does: namespace selector, object
/// selector, excluded rules, then resource rules (with `Equivalent` versions).
struct MatchEvaluator {
  /// The outcome of matching.
  enum Outcome {
    case noMatch
    /// The resource and kind as the matching rule names them.
    case match(GroupVersionResource, GroupVersionKind)
    /// A configuration problem (an unknown namespace for a namespace selector).
    case error(String)
  }

  var mapper: AdmissionResourceMapper
  var source: any AdmissionConfigurationSource

  /// Matches `criteria`; `emptyRulesMatch` is true for a binding (no rules: whatever the
  /// policy matched).
  func matches(
    _ criteria: MatchResources, _ a: AdmissionAttributes, emptyRulesMatch: Bool
  ) -> Outcome {
    var nsError: String?
    switch matchesNamespace(criteria.namespaceSelector, a) {
    case .success(false): return .noMatch
    case .success(true): break
    case .failure(let e): nsError = e.message
    }
    if !matchesObject(criteria.objectSelector, a) { return .noMatch }
    if matchRules(criteria.excludeResourceRules, criteria.matchPolicy, a) != nil {
      return .noMatch
    }
    let matched: (GroupVersionResource, GroupVersionKind)
    if criteria.resourceRules.isEmpty {
      guard emptyRulesMatch else { return .noMatch }
      matched = (a.resource, a.kind)
    } else {
      guard let m = matchRules(criteria.resourceRules, criteria.matchPolicy, a) else {
        return .noMatch
      }
      matched = m
    }
    if let nsError { return .error(nsError) }
    return .match(matched.0, matched.1)
  }

  struct NamespaceError: Error { var message: String }

  private func matchesNamespace(
    _ selector: LabelSelector, _ a: AdmissionAttributes
  ) -> Result<Bool, NamespaceError> {
    if a.namespace.isEmpty && !a.isNamespaceObject { return .success(true) }
    if selector.isEverything { return .success(true) }
    if a.isNamespaceObject {
      let labels = a.labels(new: a.request.operation != .delete) ?? a.labels(new: false)
      return .success(selector.matches(labels: labels))
    }
    guard let ns = source.namespace(named: a.namespace) else {
      return .failure(NamespaceError(message: "namespaces \"\(a.namespace)\" not found"))
    }
    return .success(selector.matches(labels: ns["metadata"]?["labels"]))
  }

  private func matchesObject(_ selector: LabelSelector, _ a: AdmissionAttributes) -> Bool {
    if selector.isEverything { return true }
    return (a.request.object != nil && selector.matches(labels: a.labels(new: true)))
      || (a.request.oldObject != nil && selector.matches(labels: a.labels(new: false)))
  }

  /// The resource and kind of the first rule covering the request: exactly, or (with
  /// `Equivalent`) at another served version of the same group and resource.
  private func matchRules(
    _ rules: [MatchRule], _ policy: MatchResources.MatchPolicy, _ a: AdmissionAttributes
  ) -> (GroupVersionResource, GroupVersionKind)? {
    let op = a.request.operation
    let named = rules.filter { $0.coversName(a.name) }
    for rule in named
    where rule.covers(
      operation: op, resource: a.resource, subresource: a.request.subresource,
      namespace: a.namespace)
    {
      return (a.resource, a.kind)
    }
    guard policy == .equivalent else { return nil }
    let versions = mapper.mapping(group: a.kind.group, kind: a.kind.kind).versions
    for version in versions where version != a.resource.version {
      var r = a.resource
      r.version = version
      for rule in named
      where rule.covers(
        operation: op, resource: r, subresource: a.request.subresource, namespace: a.namespace)
      {
        var k = a.kind
        k.version = version
        return (r, k)
      }
    }
    return nil
  }
}
