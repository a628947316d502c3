import Admission
import Objects
import Store
import Synchronization

/// Kubernetes RBAC authorization over the store: the Roles, ClusterRoles, RoleBindings and
/// ClusterRoleBindings (`rbac.authorization.k8s.io/v1`) are read into an `RBACPolicy`
/// shared by every request until one of them is written (on a `SQLiteStore`, whose change
/// marks say so; on other stores, until any write), on top of default
/// objects (`RBACBootstrapPolicy`; a stored object of the same kind, namespace and name
/// replaces a default). Members of `system:masters` may do everything.
///
/// It is also the admission policies' `authorizer` (`PolicyAuthorizer`, which is
/// synchronous): those checks are answered from the last policy read, which the request
/// being admitted has just refreshed by being authorized.
///
/// ```swift
/// let rbac = RBACAuthorizer(store: store)
/// let decision = try await rbac.authorize(RequestAttributes(request))
/// if let forbidden = decision.forbiddenError { throw forbidden }
/// ```
public final class RBACAuthorizer: Sendable {
  /// The four RBAC kinds.
  public static let resources: [GroupResource] = [
    "clusterroles", "roles", "clusterrolebindings", "rolebindings",
  ].map { GroupResource(group: "rbac.authorization.k8s.io", resource: $0) }

  let store: any ObjectStore
  /// Objects every policy starts from.
  public let defaults: [Object]
  /// The last policy read, and what the store looked like then (a change mark of the RBAC
  /// kinds, or the revision on stores without marks).
  private let current = Mutex<(policy: RBACPolicy, mark: ChangeMark, checkedAt: Int64)?>(nil)

  /// An authorizer over `store`'s RBAC objects and `defaults` (kube's bootstrap roles and
  /// bindings unless told otherwise).
  public init(store: any ObjectStore, defaults: [Object] = RBACBootstrapPolicy.objects) {
    self.store = store
    self.defaults = defaults
  }

  /// The policy as the store holds it now, read again only when an RBAC object was
  /// written since the last read.
  public func policy() async throws(StoreError) -> RBACPolicy {
    let revision = try await store.currentRevision()
    // No write at all since the last check: nothing to look at (no query per request).
    if let cached = current.withLock({ $0 }), cached.checkedAt == revision {
      return cached.policy
    }
    // Read before listing: a write in between makes the next call read again.
    let mark =
      try (store as? SQLiteStore)?.changeMark(of: Self.resources)
      ?? ChangeMark(newest: [revision], compacted: -1)
    if let policy = current.withLock({ cached -> RBACPolicy? in
      guard let c = cached, c.mark == mark else { return nil }
      cached = (c.policy, mark, revision)
      return c.policy
    }) {
      return policy
    }
    var stored: [Object] = []
    for resource in Self.resources {
      stored += try await store.list(resource, ListOptions()).items
    }
    func key(_ o: Object) -> String { "\(o.kind ?? "")/\(o.namespace ?? "")/\(o.name ?? "")" }
    let replaced = Set(stored.map(key))
    let objects = defaults.filter { !replaced.contains(key($0)) } + stored
    let policy = RBACPolicy(revision: revision, objects: objects)
    current.withLock { $0 = (policy, mark, revision) }
    return policy
  }

  /// The policy read at store revision `revision`, when no write came after that read;
  /// nil when `policy()` must look at the store again.
  public func policy(ifCurrentAt revision: Int64) -> RBACPolicy? {
    current.withLock { cached in cached?.checkedAt == revision ? cached?.policy : nil }
  }

  /// The last policy read, without touching the store; nil before the first read.
  public var lastPolicy: RBACPolicy? { current.withLock { $0?.policy } }

  /// Whether the request is allowed, with kube's reason and, when not, the Forbidden
  /// error to answer.
  public func authorize(_ attributes: RequestAttributes) async throws(StoreError)
    -> RBACDecision
  {
    try await policy().authorize(attributes)
  }

  /// What `user` may do in `namespace` (SelfSubjectRulesReview).
  public func rules(for user: AdmissionUserInfo, namespace: String) async throws(StoreError)
    -> RBACRuleSet
  {
    try await policy().rules(for: user, namespace: namespace)
  }
}

extension RBACAuthorizer: PolicyAuthorizer {
  /// An admission policy's `authorizer` check, answered from the last policy read: allow,
  /// or no opinion (RBAC never denies outright); errored before any policy was read.
  public func decide(_ a: PolicyAuthorizationAttributes) -> PolicyAuthorizationDecision {
    guard let policy = lastPolicy else {
      return PolicyAuthorizationDecision(
        .noOpinion, error: "RBAC: the authorization policy has not been loaded yet")
    }
    let decision = policy.authorize(a)
    return PolicyAuthorizationDecision(
      decision.allowed ? .allow : .noOpinion, reason: decision.reason)
  }
}
