/// Answers the `authorizer` of admission policies: may this user do this verb on this
/// resource or path? Mooring's RBAC (`RBACAuthorizer`) answers in the daemon;
/// `PolicyRuleAuthorizer` answers from a fixed list of rules (tests and
/// `mooring policy test`).
public protocol PolicyAuthorizer: Sendable {
  /// The decision for one check.
  func decide(_ attributes: PolicyAuthorizationAttributes) -> PolicyAuthorizationDecision
}

/// What an `authorizer` expression asks about (Kubernetes' `authorizer.Attributes`).
public struct PolicyAuthorizationAttributes: Sendable, Hashable {
  public var user: AdmissionUserInfo
  public var verb: String
  /// True for `authorizer.group(...).resource(...)` checks, false for `authorizer.path(...)`.
  public var isResourceRequest: Bool
  public var path: String
  public var apiGroup: String
  public var apiVersion: String
  public var resource: String
  public var subresource: String
  public var namespace: String
  public var name: String

  public init(
    user: AdmissionUserInfo, verb: String, isResourceRequest: Bool, path: String = "",
    apiGroup: String = "", apiVersion: String = "*", resource: String = "",
    subresource: String = "", namespace: String = "", name: String = ""
  ) {
    self.user = user
    self.verb = verb
    self.isResourceRequest = isResourceRequest
    self.path = path
    self.apiGroup = apiGroup
    self.apiVersion = apiVersion
    self.resource = resource
    self.subresource = subresource
    self.namespace = namespace
    self.name = name
  }
}

/// An authorizer's answer.
public struct PolicyAuthorizationDecision: Sendable, Hashable {
  /// allow, deny or no opinion (which `allowed()` reports as false).
  public enum Kind: String, Sendable, Hashable {
    case allow, deny, noOpinion
  }
  public var kind: Kind
  public var reason: String
  /// Non-nil when the authorizer failed (`errored()` is then true).
  public var error: String?

  public init(_ kind: Kind, reason: String = "", error: String? = nil) {
    self.kind = kind
    self.reason = reason
    self.error = error
  }
}

/// An authorizer from a fixed list of rules, for tests and offline policy testing:
/// a check is allowed when some rule's subjects include the user (by name or group)
/// and its verbs, groups, resources, namespaces and names (each `*` for any, empty for
/// any) cover the check. With no rules every check has no opinion (not allowed).
public struct PolicyRuleAuthorizer: PolicyAuthorizer {
  /// One grant.
  public struct Rule: Sendable, Hashable {
    public var users: [String]
    public var groups: [String]
    public var verbs: [String]
    public var apiGroups: [String]
    public var resources: [String]
    public var namespaces: [String]
    public var names: [String]
    /// Non-resource paths (`/healthz`, `/metrics/*`).
    public var paths: [String]

    public init(
      users: [String] = [], groups: [String] = [], verbs: [String], apiGroups: [String] = [],
      resources: [String] = [], namespaces: [String] = [], names: [String] = [],
      paths: [String] = []
    ) {
      self.users = users
      self.groups = groups
      self.verbs = verbs
      self.apiGroups = apiGroups
      self.resources = resources
      self.namespaces = namespaces
      self.names = names
      self.paths = paths
    }
  }

  public var rules: [Rule]

  public init(rules: [Rule] = []) { self.rules = rules }

  public func decide(_ a: PolicyAuthorizationAttributes) -> PolicyAuthorizationDecision {
    for (i, rule) in rules.enumerated() where applies(rule, a) {
      return PolicyAuthorizationDecision(.allow, reason: "allowed by rule \(i)")
    }
    return PolicyAuthorizationDecision(.noOpinion, reason: "no rule allows it")
  }

  private func applies(_ r: Rule, _ a: PolicyAuthorizationAttributes) -> Bool {
    let subject =
      r.users.contains("*") || r.users.contains(a.user.username)
      || r.groups.contains { $0 == "*" || a.user.groups.contains($0) }
    guard subject, covers(r.verbs, a.verb) else { return false }
    if !a.isResourceRequest {
      return r.paths.contains { p in
        p == "*" || p == a.path || (p.hasSuffix("*") && a.path.hasPrefix(p.dropLast()))
      }
    }
    let resource = a.subresource.isEmpty ? a.resource : a.resource + "/" + a.subresource
    return r.paths.isEmpty && covers(r.apiGroups, a.apiGroup) && covers(r.resources, resource)
      && covers(r.namespaces, a.namespace) && covers(r.names, a.name)
  }

  private func covers(_ list: [String], _ value: String) -> Bool {
    list.isEmpty || list.contains("*") || list.contains(value)
  }
}
