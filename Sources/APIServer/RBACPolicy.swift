import Admission
import Objects
import Store

/// The RBAC objects of one store revision (Roles, ClusterRoles, RoleBindings,
/// ClusterRoleBindings), indexed for decisions, which then need no store access. It
/// answers as kube's RBAC authorizer and rule resolver do: the ClusterRoleBindings that
/// name the user grant their role's rules everywhere, the RoleBindings of the request's
/// namespace grant theirs (a Role of that namespace, or a ClusterRole limited to it) there
/// only. ClusterRoles with an `aggregationRule` have the rules of the ClusterRoles their
/// selectors match, as kube's aggregation controller would write them.
public struct RBACPolicy: Sendable {
  /// The group whose members may do everything (kube's `system:masters`).
  public static let superuserGroup = "system:masters"

  /// The store revision the objects were read at.
  public let revision: Int64
  private var clusterRoles: [String: [RBACPolicyRule]] = [:]
  /// Rules by namespace, then Role name.
  private var roles: [String: [String: [RBACPolicyRule]]] = [:]
  private var clusterRoleBindings: [Binding] = []
  /// RoleBindings by namespace.
  private var roleBindings: [String: [Binding]] = [:]

  struct Subject: Sendable {
    var kind: String
    var name: String
    var namespace: String
  }

  struct Binding: Sendable {
    var name: String
    /// Empty for a ClusterRoleBinding.
    var namespace: String
    var roleKind: String
    var roleName: String
    var subjects: [Subject]
  }

  /// The policy of `objects` (any mix of the four kinds; other kinds are ignored).
  public init(revision: Int64, objects: [Object]) {
    self.revision = revision
    var clusterRoleObjects: [String: Object] = [:]
    for object in objects {
      guard let name = object.name else { continue }
      let namespace = object.namespace ?? ""
      switch object.kind {
      case "ClusterRole":
        clusterRoleObjects[name] = object
      case "Role":
        roles[namespace, default: [:]][name] = Self.rules(of: object)
      case "ClusterRoleBinding":
        clusterRoleBindings.append(Self.binding(object, name: name, namespace: ""))
      case "RoleBinding":
        roleBindings[namespace, default: []].append(
          Self.binding(object, name: name, namespace: namespace))
      default:
        continue
      }
    }
    clusterRoles = Self.effectiveRules(clusterRoleObjects)
    clusterRoleBindings.sort { $0.name < $1.name }
    for key in roleBindings.keys { roleBindings[key]?.sort { $0.name < $1.name } }
  }

  // MARK: - Decisions

  /// Whether `a` is allowed, and why (kube's RBAC `Authorize`, after the superuser group).
  public func authorize(_ a: RequestAttributes) -> RBACDecision {
    let groups = Self.groups(of: a.user)
    if groups.contains(Self.superuserGroup) {
      return RBACDecision(
        allowed: true, reason: "allowed: member of group \"\(Self.superuserGroup)\"",
        attributes: a)
    }
    var errors: [String] = []
    for grant in grants(for: a.user, groups: groups, namespace: a.namespace, errors: &errors) {
      if grant.rules.contains(where: { $0.allows(a) }) {
        return RBACDecision(
          allowed: true, reason: "RBAC: allowed by \(grant.source)", attributes: a)
      }
    }
    let reason = errors.isEmpty ? "" : "RBAC: " + Self.aggregate(errors)
    return RBACDecision(
      allowed: false, reason: reason, evaluationErrors: errors, attributes: a)
  }

  /// What a user may do in `namespace` (kube's `RulesFor`, for SelfSubjectRulesReview):
  /// the rules of the ClusterRoleBindings and of `namespace`'s RoleBindings that name the
  /// user, split into resource and non-resource rules. A superuser gets `*` on everything.
  public func rules(for user: AdmissionUserInfo, namespace: String) -> RBACRuleSet {
    let groups = Self.groups(of: user)
    if groups.contains(Self.superuserGroup) {
      return RBACRuleSet(
        resourceRules: [RBACPolicyRule(verbs: ["*"], apiGroups: ["*"], resources: ["*"])],
        nonResourceRules: [RBACPolicyRule(verbs: ["*"], nonResourceURLs: ["*"])])
    }
    var set = RBACRuleSet()
    var errors: [String] = []
    for grant in grants(for: user, groups: groups, namespace: namespace, errors: &errors) {
      for rule in grant.rules {
        if !rule.resources.isEmpty {
          set.resourceRules.append(
            RBACPolicyRule(
              verbs: rule.verbs, apiGroups: rule.apiGroups, resources: rule.resources,
              resourceNames: rule.resourceNames))
        }
        if !rule.nonResourceURLs.isEmpty {
          set.nonResourceRules.append(
            RBACPolicyRule(verbs: rule.verbs, nonResourceURLs: rule.nonResourceURLs))
        }
      }
    }
    set.evaluationErrors = errors
    return set
  }

  /// The user's groups, with the two groups every service account is in
  /// (`system:serviceaccounts`, `system:serviceaccounts:NS`) added for a user named
  /// `system:serviceaccount:NS:NAME`, as kube's service-account authenticator gives them.
  static func groups(of user: AdmissionUserInfo) -> Set<String> {
    var groups = Set(user.groups)
    if let namespace = ServiceAccountUsername.parse(user.username)?.namespace {
      groups.insert("system:serviceaccounts")
      groups.insert("system:serviceaccounts:\(namespace)")
    }
    return groups
  }

  /// Rules granted to the user, in kube's order: ClusterRoleBindings, then the RoleBindings
  /// of `namespace` (none when it is empty). Unresolvable role references go to `errors`.
  private func grants(
    for user: AdmissionUserInfo, groups: Set<String>, namespace: String, errors: inout [String]
  ) -> [(source: String, rules: [RBACPolicyRule])] {
    var out: [(source: String, rules: [RBACPolicyRule])] = []
    var bindings = clusterRoleBindings
    if !namespace.isEmpty { bindings += roleBindings[namespace] ?? [] }
    for binding in bindings {
      guard
        let subject = binding.subjects.first(where: {
          Self.applies($0, to: user, groups: groups, namespace: binding.namespace)
        })
      else { continue }
      switch roleRules(binding) {
      case .success(let rules):
        out.append((Self.describe(binding, subject), rules))
      case .failure(let message):
        errors.append(message.text)
      }
    }
    return out
  }

  private struct Unresolved: Error {
    var text: String
  }

  /// The rules `binding` refers to (kube's `GetRoleReferenceRules`).
  private func roleRules(_ binding: Binding) -> Result<[RBACPolicyRule], Unresolved> {
    switch binding.roleKind {
    case "Role":
      guard let rules = roles[binding.namespace]?[binding.roleName] else {
        return .failure(
          Unresolved(text: "role.rbac.authorization.k8s.io \"\(binding.roleName)\" not found"))
      }
      return .success(rules)
    case "ClusterRole":
      guard let rules = clusterRoles[binding.roleName] else {
        return .failure(
          Unresolved(
            text: "clusterrole.rbac.authorization.k8s.io \"\(binding.roleName)\" not found"))
      }
      return .success(rules)
    default:
      return .failure(
        Unresolved(text: "unsupported role reference kind: \"\(binding.roleKind)\""))
    }
  }

  /// Whether a subject names the user (kube's `appliesToUser`). A ServiceAccount subject
  /// without a namespace means one in the binding's namespace.
  static func applies(
    _ s: Subject, to user: AdmissionUserInfo, groups: Set<String>, namespace: String
  ) -> Bool {
    switch s.kind {
    case "User":
      return s.name == user.username
    case "Group":
      return groups.contains(s.name)
    case "ServiceAccount":
      let saNamespace = s.namespace.isEmpty ? namespace : s.namespace
      guard !saNamespace.isEmpty else { return false }
      return user.username == "system:serviceaccount:\(saNamespace):\(s.name)"
    default:
      return false
    }
  }

  /// `ClusterRoleBinding "b" of ClusterRole "r" to User "u"`, or `RoleBinding "b/ns" ...`
  /// (kube's binding describers).
  static func describe(_ b: Binding, _ s: Subject) -> String {
    let subject: String
    if s.kind == "ServiceAccount" {
      subject = "ServiceAccount \"\(s.name)/\(s.namespace.isEmpty ? b.namespace : s.namespace)\""
    } else {
      subject = "\(s.kind) \"\(s.name)\""
    }
    if b.namespace.isEmpty {
      return "ClusterRoleBinding \"\(b.name)\" of \(b.roleKind) \"\(b.roleName)\" to \(subject)"
    }
    return
      "RoleBinding \"\(b.name)/\(b.namespace)\" of \(b.roleKind) \"\(b.roleName)\" to \(subject)"
  }

  /// Error messages as Go's `utilerrors.NewAggregate(...).Error()` joins them.
  static func aggregate(_ messages: [String]) -> String {
    if messages.count == 1 { return messages[0] }
    var seen = Set<String>()
    let unique = messages.filter { seen.insert($0).inserted }
    return unique.count == 1 ? unique[0] : "[" + unique.joined(separator: ", ") + "]"
  }

  // MARK: - Parsing

  static func rules(of object: Object) -> [RBACPolicyRule] {
    object.value["rules"]?.listValue?.map(RBACPolicyRule.init(value:)) ?? []
  }

  static func binding(_ object: Object, name: String, namespace: String) -> Binding {
    let subjects: [Subject] =
      object.value["subjects"]?.listValue?.map { s in
        Subject(
          kind: s["kind"]?.stringValue ?? "", name: s["name"]?.stringValue ?? "",
          namespace: s["namespace"]?.stringValue ?? "")
      } ?? []
    return Binding(
      name: name, namespace: namespace,
      roleKind: object.value[path: ValuePath(keys: "roleRef", "kind")]?.stringValue ?? "",
      roleName: object.value[path: ValuePath(keys: "roleRef", "name")]?.stringValue ?? "",
      subjects: subjects)
  }

  /// Every ClusterRole's effective rules: its own, or for one with an `aggregationRule`,
  /// those of the ClusterRoles (by name order) any of its `clusterRoleSelectors` match,
  /// without duplicates (kube's ClusterRole aggregation controller).
  static func effectiveRules(_ objects: [String: Object]) -> [String: [RBACPolicyRule]] {
    var done: [String: [RBACPolicyRule]] = [:]
    let names = objects.keys.sorted()
    func effective(_ name: String, visiting: Set<String>) -> [RBACPolicyRule] {
      if let rules = done[name] { return rules }
      guard let object = objects[name] else { return [] }
      let selectorsPath = ValuePath(keys: "aggregationRule", "clusterRoleSelectors")
      guard let selectors = object.value[path: selectorsPath]?.listValue else {
        let own = Self.rules(of: object)
        done[name] = own
        return own
      }
      let parsed = selectors.compactMap { try? LabelSelector(value: $0) }
      var rules: [RBACPolicyRule] = []
      for other in names where other != name && !visiting.contains(other) {
        let labels = objects[other]?.value[path: ValuePath(keys: "metadata", "labels")]
        guard parsed.contains(where: { $0.matches(labels: labels) }) else { continue }
        for rule in effective(other, visiting: visiting.union([name])) where !rules.contains(rule) {
          rules.append(rule)
        }
      }
      done[name] = rules
      return rules
    }
    for name in names { _ = effective(name, visiting: []) }
    return done
  }
}

/// What a user may do in one namespace (SelfSubjectRulesReview's status).
public struct RBACRuleSet: Sendable, Hashable {
  /// Rules with `resources` (their `nonResourceURLs` left out).
  public var resourceRules: [RBACPolicyRule] = []
  /// Rules with `nonResourceURLs` (only verbs and URLs).
  public var nonResourceRules: [RBACPolicyRule] = []
  /// Role references that could not be resolved.
  public var evaluationErrors: [String] = []

  public init(
    resourceRules: [RBACPolicyRule] = [], nonResourceRules: [RBACPolicyRule] = [],
    evaluationErrors: [String] = []
  ) {
    self.resourceRules = resourceRules
    self.nonResourceRules = nonResourceRules
    self.evaluationErrors = evaluationErrors
  }

  /// The errors joined as kube reports them; nil without errors.
  public var evaluationError: String? {
    evaluationErrors.isEmpty ? nil : RBACPolicy.aggregate(evaluationErrors)
  }
}
