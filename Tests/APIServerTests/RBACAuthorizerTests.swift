import APIServer
import Admission
import Objects
import Store
import Testing

@Suite struct RBACAuthorizerTests {
  static let alice = AdmissionUserInfo(username: "alice", groups: ["system:authenticated"])
  static let bob = AdmissionUserInfo(username: "bob", groups: ["system:authenticated"])

  func resource(
    _ user: AdmissionUserInfo, _ verb: String, _ resource: String,
    group: String = mooringGroup, subresource: String = "", namespace: String = "",
    name: String = ""
  ) -> RequestAttributes {
    RequestAttributes(
      user: user, verb: verb, apiGroup: group, resource: resource, subresource: subresource,
      namespace: namespace, name: name)
  }

  @Test func clusterRoleBindingAllowsAndDeniesWithKubeMessages() async throws {
    let f = try RBACTestStore()
    try await f.clusterRole(
      "org-reader", [rule(["get", "list"], groups: [mooringGroup], resources: ["organizations"])])
    try await f.clusterRoleBinding("alice-reads", role: "org-reader", [userSubject("alice")])
    let rbac = RBACAuthorizer(store: f.store, defaults: [])

    let get = try await rbac.authorize(resource(Self.alice, "get", "organizations", name: "acme"))
    #expect(get.allowed)
    #expect(
      get.reason
        == "RBAC: allowed by ClusterRoleBinding \"alice-reads\" of ClusterRole \"org-reader\" to User \"alice\""
    )
    #expect(get.forbiddenError == nil)

    let delete = try await rbac.authorize(
      resource(Self.alice, "delete", "organizations", name: "acme"))
    #expect(!delete.allowed)
    #expect(delete.reason == "")
    #expect(
      delete.forbiddenMessage
        == "organizations.resourcemanager.mooring.dev \"acme\" is forbidden: User \"alice\" cannot delete resource \"organizations\" in API group \"resourcemanager.mooring.dev\" at the cluster scope"
    )
    let error = try #require(delete.forbiddenError)
    #expect(error.code == 403)
    #expect(error.reason == "Forbidden")
    #expect(
      error.details == [
        "name": "acme", "group": "resourcemanager.mooring.dev", "kind": "organizations",
      ])

    // A ClusterRoleBinding grants in every namespace too.
    let list = try await rbac.authorize(
      resource(Self.alice, "list", "organizations", namespace: "team-a"))
    #expect(list.allowed)
    // Another user gets nothing.
    #expect(!(try await rbac.authorize(resource(Self.bob, "get", "organizations"))).allowed)
  }

  @Test func roleBindingToClusterRoleIsLimitedToItsNamespace() async throws {
    let f = try RBACTestStore()
    try await f.namespace("team-a", "team-b")
    try await f.clusterRole(
      "project-editor", [rule(["*"], groups: [mooringGroup], resources: ["projects"])])
    try await f.roleBinding(
      "bob-edits", in: "team-a", role: "project-editor", [userSubject("bob")])
    let rbac = RBACAuthorizer(store: f.store, defaults: [])

    let inA = try await rbac.authorize(
      resource(Self.bob, "create", "projects", namespace: "team-a"))
    #expect(inA.allowed)
    #expect(
      inA.reason
        == "RBAC: allowed by RoleBinding \"bob-edits/team-a\" of ClusterRole \"project-editor\" to User \"bob\""
    )
    let inB = try await rbac.authorize(
      resource(Self.bob, "create", "projects", namespace: "team-b"))
    #expect(!inB.allowed)
    #expect(
      inB.forbiddenMessage
        == "projects.resourcemanager.mooring.dev is forbidden: User \"bob\" cannot create resource \"projects\" in API group \"resourcemanager.mooring.dev\" in the namespace \"team-b\""
    )
    // Across all namespaces (no namespace) a RoleBinding grants nothing.
    #expect(!(try await rbac.authorize(resource(Self.bob, "list", "projects"))).allowed)
  }

  @Test func roleInItsNamespaceAndMissingRolesAreReported() async throws {
    let f = try RBACTestStore()
    try await f.namespace("team-a", "team-b")
    try await f.role(
      "cm-reader", in: "team-a", [rule(["get"], groups: [""], resources: ["configmaps"])])
    try await f.roleBinding(
      "read", in: "team-a", roleKind: "Role", role: "cm-reader", [userSubject("bob")])
    // team-b has no Role cm-reader: the binding cannot be resolved.
    try await f.roleBinding(
      "read", in: "team-b", roleKind: "Role", role: "cm-reader", [userSubject("bob")])
    let rbac = RBACAuthorizer(store: f.store, defaults: [])

    let a = try await rbac.authorize(
      resource(Self.bob, "get", "configmaps", group: "", namespace: "team-a", name: "x"))
    #expect(a.allowed)
    #expect(
      a.reason
        == "RBAC: allowed by RoleBinding \"read/team-a\" of Role \"cm-reader\" to User \"bob\"")

    let b = try await rbac.authorize(
      resource(Self.bob, "get", "configmaps", group: "", namespace: "team-b", name: "x"))
    #expect(!b.allowed)
    #expect(b.reason == "RBAC: role.rbac.authorization.k8s.io \"cm-reader\" not found")
    #expect(
      b.forbiddenMessage
        == "configmaps \"x\" is forbidden: User \"bob\" cannot get resource \"configmaps\" in API group \"\" in the namespace \"team-b\": RBAC: role.rbac.authorization.k8s.io \"cm-reader\" not found"
    )
  }

  @Test func resourceNamesLimitTheObjects() async throws {
    let f = try RBACTestStore()
    try await f.namespace("team-a")
    try await f.role(
      "one-config", in: "team-a",
      [
        rule(
          ["get", "list", "watch"], groups: [""], resources: ["configmaps"], names: ["app-config"])
      ])
    try await f.roleBinding(
      "one", in: "team-a", roleKind: "Role", role: "one-config", [userSubject("bob")])
    let rbac = RBACAuthorizer(store: f.store, defaults: [])
    func check(_ verb: String, _ name: String) async throws -> Bool {
      try await rbac.authorize(
        resource(Self.bob, verb, "configmaps", group: "", namespace: "team-a", name: name)
      ).allowed
    }
    #expect(try await check("get", "app-config"))
    #expect(!(try await check("get", "other")))
    #expect(!(try await check("list", "")))
    // A list or watch selecting the object by metadata.name is about that object (kubectl
    // delete waits that way).
    let watch = RequestAttributes(
      APIRequest(
        method: "GET", path: "/api/v1/namespaces/team-a/configmaps",
        query: ["watch": "true", "fieldSelector": "metadata.name=app-config"], user: Self.bob))
    #expect(watch.verb == "watch")
    #expect(watch.name == "app-config")
    #expect(try await rbac.authorize(watch).allowed)
  }

  @Test func subresourceRules() async throws {
    let f = try RBACTestStore()
    try await f.clusterRole(
      "status-writer",
      [rule(["patch", "update"], groups: [mooringGroup], resources: ["organizations/status"])])
    try await f.clusterRole("any-status", [rule(["get"], groups: ["*"], resources: ["*/status"])])
    try await f.clusterRole("all", [rule(["list"], groups: ["*"], resources: ["*"])])
    for role in ["status-writer", "any-status", "all"] {
      try await f.clusterRoleBinding("alice-\(role)", role: role, [userSubject("alice")])
    }
    let rbac = RBACAuthorizer(store: f.store, defaults: [])
    func check(_ verb: String, _ sub: String, _ res: String = "organizations") async throws -> Bool
    {
      try await rbac.authorize(
        resource(Self.alice, verb, res, subresource: sub, name: "acme")
      ).allowed
    }
    #expect(try await check("patch", "status"))
    #expect(!(try await check("patch", "")))
    #expect(try await check("get", "status", "projects"))
    #expect(!(try await check("get", "scale", "projects")))
    #expect(!(try await check("get", "")))
    // `*` covers subresources too.
    #expect(try await check("list", "status"))
    let denied = try await rbac.authorize(
      resource(Self.alice, "delete", "organizations", subresource: "status", name: "acme"))
    #expect(
      denied.forbiddenMessage
        == "organizations.resourcemanager.mooring.dev \"acme\" is forbidden: User \"alice\" cannot delete resource \"organizations/status\" in API group \"resourcemanager.mooring.dev\" at the cluster scope"
    )
  }

  @Test func groupsAndServiceAccounts() async throws {
    let f = try RBACTestStore()
    try await f.namespace("team-a", "team-b")
    try await f.clusterRole("viewer", [rule(["get", "list"], groups: ["*"], resources: ["*"])])
    try await f.clusterRoleBinding("auditors", role: "viewer", [groupSubject("auditors")])
    try await f.clusterRole(
      "deployer", [rule(["create", "update"], groups: [mooringGroup], resources: ["projects"])])
    // No namespace on the subject: the binding's namespace.
    try await f.roleBinding(
      "deployer", in: "team-a", role: "deployer", [serviceAccountSubject("deployer")])
    try await f.clusterRole("sa-lister", [rule(["list"], groups: [""], resources: ["secrets"])])
    try await f.clusterRoleBinding(
      "team-a-sas", role: "sa-lister", [groupSubject("system:serviceaccounts:team-a")])
    let rbac = RBACAuthorizer(store: f.store, defaults: [])

    let carol = AdmissionUserInfo(username: "carol", groups: ["auditors"])
    let view = try await rbac.authorize(resource(carol, "list", "projects", namespace: "team-b"))
    #expect(view.allowed)
    #expect(
      view.reason
        == "RBAC: allowed by ClusterRoleBinding \"auditors\" of ClusterRole \"viewer\" to Group \"auditors\""
    )
    #expect(
      !(try await rbac.authorize(resource(carol, "delete", "projects", namespace: "x"))).allowed)

    let sa = AdmissionUserInfo(username: "system:serviceaccount:team-a:deployer")
    let deploy = try await rbac.authorize(resource(sa, "create", "projects", namespace: "team-a"))
    #expect(deploy.allowed)
    #expect(
      deploy.reason
        == "RBAC: allowed by RoleBinding \"deployer/team-a\" of ClusterRole \"deployer\" to ServiceAccount \"deployer/team-a\""
    )
    #expect(
      !(try await rbac.authorize(resource(sa, "create", "projects", namespace: "team-b"))).allowed)
    let other = AdmissionUserInfo(username: "system:serviceaccount:team-b:deployer")
    #expect(
      !(try await rbac.authorize(resource(other, "create", "projects", namespace: "team-a")))
        .allowed)
    // A service account is in system:serviceaccounts:NS even when the authenticator did
    // not say so.
    let secrets = try await rbac.authorize(
      resource(sa, "list", "secrets", group: "", namespace: "team-b"))
    #expect(secrets.allowed)
    #expect(
      secrets.reason
        == "RBAC: allowed by ClusterRoleBinding \"team-a-sas\" of ClusterRole \"sa-lister\" to Group \"system:serviceaccounts:team-a\""
    )
    #expect(
      !(try await rbac.authorize(resource(other, "list", "secrets", group: "", namespace: "team-b")))
        .allowed)
    // Only a well-formed service account name (NS and NAME non-empty, no more colons).
    for name in [
      "system:serviceaccount:team-a:", "system:serviceaccount:team-a:x:y",
      "system:serviceaccount:team-a", "system:serviceaccounts:team-a:x",
    ] {
      let user = AdmissionUserInfo(username: name)
      #expect(
        !(try await rbac.authorize(resource(user, "list", "secrets", group: "", namespace: "b")))
          .allowed, "\(name)")
    }
    let oddButValid = AdmissionUserInfo(username: "system:serviceaccount:team-a:é")
    #expect(
      try await rbac.authorize(resource(oddButValid, "list", "secrets", group: "", namespace: "b"))
        .allowed)
  }

  @Test func systemMastersMayDoEverything() async throws {
    let f = try RBACTestStore()
    let rbac = RBACAuthorizer(store: f.store, defaults: [])
    let admin = AdmissionUserInfo(username: "admin", groups: ["system:masters"])
    #expect(try await rbac.authorize(resource(admin, "delete", "organizations", name: "x")).allowed)
    #expect(
      try await rbac.authorize(RequestAttributes(user: admin, verb: "get", nonResourcePath: "/x"))
        .allowed)
    let rules = try await rbac.rules(for: admin, namespace: "default")
    #expect(
      rules.resourceRules == [RBACPolicyRule(verbs: ["*"], apiGroups: ["*"], resources: ["*"])])
    #expect(rules.nonResourceRules == [RBACPolicyRule(verbs: ["*"], nonResourceURLs: ["*"])])
  }

  @Test func nonResourceURLs() async throws {
    let f = try RBACTestStore()
    try await f.namespace("team-a")
    try await f.clusterRole("probes", [rule(["get"], urls: ["/healthz", "/metrics/*"])])
    try await f.clusterRoleBinding("alice-probes", role: "probes", [userSubject("alice")])
    try await f.clusterRole("everything-urls", [rule(["get"], urls: ["*"])])
    // A RoleBinding cannot grant non-resource URLs.
    try await f.roleBinding("bob-urls", in: "team-a", role: "everything-urls", [userSubject("bob")])
    let rbac = RBACAuthorizer(store: f.store, defaults: [])
    func check(_ user: AdmissionUserInfo, _ verb: String, _ path: String) async throws
      -> RBACDecision
    {
      try await rbac.authorize(RequestAttributes(user: user, verb: verb, nonResourcePath: path))
    }
    #expect(try await check(Self.alice, "get", "/healthz").allowed)
    #expect(try await check(Self.alice, "get", "/metrics/cpu").allowed)
    #expect(!(try await check(Self.alice, "post", "/healthz")).allowed)
    #expect(!(try await check(Self.bob, "get", "/healthz")).allowed)
    let version = try await check(Self.alice, "get", "/version")
    #expect(!version.allowed)
    #expect(version.forbiddenMessage == "forbidden: User \"alice\" cannot get path \"/version\"")
    #expect(version.forbiddenError?.details == .map([:]))
  }

  @Test func aWriteInvalidatesTheCachedPolicy() async throws {
    let f = try RBACTestStore()
    try await f.clusterRole("org-admin", [rule(["*"], groups: [mooringGroup], resources: ["*"])])
    let rbac = RBACAuthorizer(store: f.store, defaults: [])
    let delete = resource(Self.alice, "delete", "organizations", name: "acme")
    #expect(!(try await rbac.authorize(delete)).allowed)
    let first = try await rbac.policy()
    #expect(first.revision == (try await f.store.currentRevision()))
    #expect(rbac.lastPolicy?.revision == first.revision)

    try await f.clusterRoleBinding("alice-admin", role: "org-admin", [userSubject("alice")])
    #expect(try await rbac.authorize(delete).allowed)
    #expect(rbac.lastPolicy?.revision == (try await f.store.currentRevision()))

    try await f.delete(clusterRoleBinding: "alice-admin")
    #expect(!(try await rbac.authorize(delete)).allowed)
  }

  @Test func defaultsGrantDiscoveryAndSelfReviewsAndStoredObjectsReplaceThem() async throws {
    let f = try RBACTestStore()
    let rbac = RBACAuthorizer(store: f.store)
    let discovery = try await rbac.authorize(
      RequestAttributes(user: Self.alice, verb: "get", nonResourcePath: "/apis"))
    #expect(
      discovery.reason
        == "RBAC: allowed by ClusterRoleBinding \"system:discovery\" of ClusterRole \"system:discovery\" to Group \"system:authenticated\""
    )
    let review = resource(
      Self.alice, "create", "selfsubjectaccessreviews", group: "authorization.k8s.io")
    #expect(try await rbac.authorize(review).allowed)
    let anonymous = AdmissionUserInfo(
      username: "system:anonymous", groups: ["system:unauthenticated"])
    #expect(
      !(try await rbac.authorize(
        RequestAttributes(user: anonymous, verb: "get", nonResourcePath: "/apis"))).allowed)
    #expect(
      try await rbac.authorize(
        RequestAttributes(user: anonymous, verb: "get", nonResourcePath: "/version")
      ).allowed)

    // Bound to the default cluster-admin ...
    try await f.clusterRoleBinding("alice-admin", role: "cluster-admin", [userSubject("alice")])
    let delete = resource(Self.alice, "delete", "organizations", name: "acme")
    #expect(try await rbac.authorize(delete).allowed)
    // ... until a stored cluster-admin replaces it.
    try await f.clusterRole("cluster-admin", [rule(["get"], groups: ["*"], resources: ["*"])])
    #expect(!(try await rbac.authorize(delete)).allowed)
  }

  @Test func aggregatedClusterRolesCollectTheSelectedRules() async throws {
    let f = try RBACTestStore()
    let label = "rbac.mooring.dev/aggregate-to-monitoring"
    try await f.clusterRole("monitoring", [], aggregateLabels: [label: "true"])
    try await f.clusterRole(
      "monitoring-orgs", [rule(["get"], groups: [mooringGroup], resources: ["organizations"])],
      labels: [label: "true"])
    try await f.clusterRole(
      "not-selected", [rule(["delete"], groups: [mooringGroup], resources: ["organizations"])])
    try await f.clusterRoleBinding("alice-monitoring", role: "monitoring", [userSubject("alice")])
    let rbac = RBACAuthorizer(store: f.store, defaults: [])
    #expect(try await rbac.authorize(resource(Self.alice, "get", "organizations")).allowed)
    #expect(!(try await rbac.authorize(resource(Self.alice, "delete", "organizations"))).allowed)
  }

  @Test func rulesForAUserInANamespace() async throws {
    let f = try RBACTestStore()
    try await f.namespace("team-a", "team-b")
    try await f.clusterRole(
      "mixed",
      [
        rule(["get"], groups: [mooringGroup], resources: ["organizations"], names: ["acme"]),
        rule(["get"], urls: ["/healthz"]),
      ])
    try await f.clusterRoleBinding("alice-mixed", role: "mixed", [userSubject("alice")])
    try await f.clusterRole(
      "project-editor", [rule(["*"], groups: [mooringGroup], resources: ["projects"])])
    try await f.roleBinding(
      "alice-edits", in: "team-a", role: "project-editor", [userSubject("alice")])
    try await f.roleBinding("broken", in: "team-a", role: "missing", [userSubject("alice")])
    let rbac = RBACAuthorizer(store: f.store, defaults: [])

    let a = try await rbac.rules(for: Self.alice, namespace: "team-a")
    #expect(
      a.resourceRules == [
        RBACPolicyRule(
          verbs: ["get"], apiGroups: [mooringGroup], resources: ["organizations"],
          resourceNames: ["acme"]),
        RBACPolicyRule(verbs: ["*"], apiGroups: [mooringGroup], resources: ["projects"]),
      ])
    #expect(a.nonResourceRules == [RBACPolicyRule(verbs: ["get"], nonResourceURLs: ["/healthz"])])
    #expect(a.evaluationError == "clusterrole.rbac.authorization.k8s.io \"missing\" not found")

    let b = try await rbac.rules(for: Self.alice, namespace: "team-b")
    #expect(b.resourceRules.count == 1)
    #expect(b.evaluationError == nil)
  }

  @Test func answersAdmissionPolicyChecksFromTheLastPolicy() async throws {
    let f = try RBACTestStore()
    try await f.namespace("team-a")
    try await f.clusterRole(
      "deployer", [rule(["create"], groups: [mooringGroup], resources: ["projects"])])
    try await f.roleBinding(
      "deployer", in: "team-a", role: "deployer", [serviceAccountSubject("ci", namespace: "team-a")]
    )
    let rbac = RBACAuthorizer(store: f.store, defaults: [])
    let check = PolicyAuthorizationAttributes(
      user: AdmissionUserInfo(username: "system:serviceaccount:team-a:ci"), verb: "create",
      isResourceRequest: true, apiGroup: mooringGroup, resource: "projects", namespace: "team-a")

    let before = rbac.decide(check)
    #expect(before.kind == .noOpinion)
    #expect(before.error != nil)

    _ = try await rbac.policy()
    let allowed = rbac.decide(check)
    #expect(allowed.kind == .allow)
    #expect(
      allowed.reason
        == "RBAC: allowed by RoleBinding \"deployer/team-a\" of ClusterRole \"deployer\" to ServiceAccount \"ci/team-a\""
    )
    var elsewhere = check
    elsewhere.namespace = "team-b"
    #expect(rbac.decide(elsewhere).kind == .noOpinion)
    #expect(rbac.decide(elsewhere).error == nil)
    let path = PolicyAuthorizationAttributes(
      user: check.user, verb: "get", isResourceRequest: false, path: "/healthz")
    #expect(rbac.decide(path).kind == .noOpinion)
  }
}
