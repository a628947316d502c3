import APIServer
import Admission
import Objects
import Store
import Testing

@Suite struct AccessReviewHandlerTests {
  static let bob = AdmissionUserInfo(username: "bob", groups: ["system:authenticated"])
  static let reviewPath = ResourcePath(
    group: "authorization.k8s.io", version: "v1", resource: "selfsubjectaccessreviews")
  static let rulesPath = ResourcePath(
    group: "authorization.k8s.io", version: "v1", resource: "selfsubjectrulesreviews")

  /// A store where bob may create Projects in team-a and, through a RoleBinding in
  /// `default`, "create organizations" there (which grants nothing: Organizations are
  /// cluster-scoped).
  func fixture() async throws -> (RBACTestStore, AccessReviewHandler) {
    let f = try RBACTestStore()
    try await f.namespace("default", "team-a")
    try await f.clusterRole(
      "project-editor", [rule(["*"], groups: [mooringGroup], resources: ["projects"])])
    try await f.roleBinding("bob-edits", in: "team-a", role: "project-editor", [userSubject("bob")])
    try await f.clusterRole(
      "org-creator", [rule(["create"], groups: [mooringGroup], resources: ["organizations"])])
    try await f.roleBinding("bob-orgs", in: "default", role: "org-creator", [userSubject("bob")])
    return (f, AccessReviewHandler(authorizer: RBACAuthorizer(store: f.store)))
  }

  func post(
    _ handler: AccessReviewHandler, _ path: ResourcePath, _ body: [UInt8],
    contentType: String = "application/json", method: String = "POST"
  ) async throws -> APIResponse {
    try await handler.respond(
      to: APIRequest(
        method: method, path: "/apis/authorization.k8s.io/v1/\(path.resource)",
        headers: ["content-type": contentType], body: body, user: Self.bob),
      path: path, registry: BuiltinTypes.registry)
  }

  func apiError(_ body: () async throws -> Void) async -> APIError? {
    do {
      try await body()
      return nil
    } catch let error as APIError {
      return error
    } catch {
      return APIError(code: 0, reason: "not an APIError", message: "\(error)")
    }
  }

  @Test func jsonAccessReview() async throws {
    let (f, handler) = try await fixture()
    _ = f
    let body = JSON.encodeBytes([
      "apiVersion": "authorization.k8s.io/v1", "kind": "SelfSubjectAccessReview",
      "spec": [
        "resourceAttributes": [
          "namespace": "team-a", "verb": "create", "group": .string(mooringGroup),
          "resource": "projects",
        ]
      ],
    ])
    let response = try await post(handler, Self.reviewPath, body)
    #expect(response.status == 201)
    #expect(response.header("Content-Type") == "application/json")
    let review = try JSON.decode(response.bytes)
    #expect(review["kind"] == "SelfSubjectAccessReview")
    #expect(review["apiVersion"] == "authorization.k8s.io/v1")
    #expect(review[path: ValuePath(keys: "spec", "resourceAttributes", "namespace")] == "team-a")
    #expect(
      review["status"]
        == [
          "allowed": true,
          "reason":
            "RBAC: allowed by RoleBinding \"bob-edits/team-a\" of ClusterRole \"project-editor\" to User \"bob\"",
        ])
  }

  @Test func protobufAccessReviewIgnoresTheNamespaceOfClusterScopedResources() async throws {
    let (f, handler) = try await fixture()
    _ = f
    // kubectl auth can-i create organizations: namespace "default" sent anyway.
    let body = Proto.accessReview(
      namespace: "default", verb: "create", group: mooringGroup, resource: "organizations")
    let response = try await post(
      handler, Self.reviewPath, body, contentType: "application/vnd.kubernetes.protobuf")
    #expect(response.status == 201)
    let review = try JSON.decode(response.bytes)
    #expect(review["status"] == ["allowed": false])
    // Without the registry the namespace counts, as in kube.
    let object = try ProtobufEnvelope.decode(body)
    let namespaced = try await handler.accessReview(object, user: Self.bob, registry: nil)
    #expect(namespaced[path: ValuePath(keys: "status", "allowed")] == true)

    let projects = try await handler.review(
      resource: "selfsubjectaccessreviews",
      body: Proto.accessReview(
        namespace: "team-a", verb: "delete", group: mooringGroup, resource: "projects", name: "p"),
      contentType: "application/vnd.kubernetes.protobuf", user: Self.bob,
      registry: BuiltinTypes.registry)
    #expect(projects[path: ValuePath(keys: "status", "allowed")] == true)
  }

  @Test func capturedHealthzReviewIsAllowedByTheDefaultDiscoveryRole() async throws {
    let (f, handler) = try await fixture()
    _ = f
    let response = try await post(
      handler, Self.reviewPath, Proto.capturedHealthz,
      contentType: "application/vnd.kubernetes.protobuf")
    let review = try JSON.decode(response.bytes)
    #expect(review["spec"] == ["nonResourceAttributes": ["path": "/healthz", "verb": "get"]])
    #expect(
      review["status"]
        == [
          "allowed": true,
          "reason":
            "RBAC: allowed by ClusterRoleBinding \"system:discovery\" of ClusterRole \"system:discovery\" to Group \"system:authenticated\"",
        ])
  }

  @Test func rulesReviewListsWhatTheUserMayDo() async throws {
    let (f, handler) = try await fixture()
    _ = f
    let response = try await post(
      handler, Self.rulesPath, Proto.rulesReview(namespace: "team-a"),
      contentType: "application/vnd.kubernetes.protobuf")
    #expect(response.status == 201)
    let review = try JSON.decode(response.bytes)
    #expect(review["kind"] == "SelfSubjectRulesReview")
    let status = try #require(review["status"])
    #expect(status["incomplete"] == false)
    #expect(status["evaluationError"] == nil)
    let resourceRules = status["resourceRules"]?.listValue ?? []
    // The default system:basic-user rules, then bob's RoleBinding in team-a.
    #expect(
      resourceRules.contains([
        "verbs": ["create"], "apiGroups": ["authorization.k8s.io"],
        "resources": ["selfsubjectaccessreviews", "selfsubjectrulesreviews"],
      ]))
    #expect(
      resourceRules.last
        == ["verbs": ["*"], "apiGroups": [.string(mooringGroup)], "resources": ["projects"]])
    #expect(!resourceRules.contains { $0["resources"] == ["organizations"] })
    let nonResourceRules = status["nonResourceRules"]?.listValue ?? []
    #expect(
      nonResourceRules.contains { $0["nonResourceURLs"]?.listValue?.contains("/apis/*") == true })

    // JSON works too; the rules of `default` include the organizations RoleBinding.
    let json = try await post(
      handler, Self.rulesPath,
      JSON.encodeBytes(["kind": "SelfSubjectRulesReview", "spec": ["namespace": "default"]]))
    let inDefault = try JSON.decode(json.bytes)
    #expect(
      inDefault[path: ValuePath(keys: "status", "resourceRules")]?.listValue?.last
        == [
          "verbs": ["create"], "apiGroups": [.string(mooringGroup)], "resources": ["organizations"],
        ])
  }

  @Test func badRequestsGetKubeErrors() async throws {
    let (f, handler) = try await fixture()
    _ = f
    let both = await apiError {
      _ = try await post(
        handler, Self.reviewPath,
        JSON.encodeBytes([
          "spec": ["resourceAttributes": ["verb": "get"], "nonResourceAttributes": ["path": "/"]]
        ]))
    }
    #expect(both?.code == 422)
    #expect(
      both?.message
        == "SelfSubjectAccessReview \"\" is invalid: spec.nonResourceAttributes: Invalid value: {\"path\":\"/\"}: cannot be specified in combination with resourceAttributes"
    )
    let neither = await apiError {
      _ = try await post(handler, Self.reviewPath, JSON.encodeBytes(["spec": [:]]))
    }
    #expect(neither?.code == 422)
    #expect(
      neither?.message
        == "SelfSubjectAccessReview \"\" is invalid: spec.resourceAttributes: Invalid value: null: exactly one of nonResourceAttributes or resourceAttributes must be specified"
    )

    let noNamespace = await apiError {
      _ = try await post(handler, Self.rulesPath, JSON.encodeBytes(["spec": [:]]))
    }
    #expect(noNamespace?.code == 400)
    #expect(noNamespace?.message == "no namespace on request")

    let truncated = await apiError {
      _ = try await post(
        handler, Self.reviewPath, Array(Proto.capturedHealthz.prefix(40)),
        contentType: "application/vnd.kubernetes.protobuf")
    }
    #expect(truncated?.code == 400)
    #expect(
      truncated?.message.hasPrefix("the body of the request could not be decoded: protobuf: ")
        == true)

    let wrongKind = await apiError {
      _ = try await post(
        handler, Self.rulesPath, Proto.capturedHealthz,
        contentType: "application/vnd.kubernetes.protobuf")
    }
    #expect(wrongKind?.code == 400)
    #expect(
      wrongKind?.message == "SelfSubjectAccessReview cannot be handled as a SelfSubjectRulesReview")

    let yaml = await apiError {
      _ = try await post(handler, Self.reviewPath, [], contentType: "application/cbor")
    }
    #expect(yaml?.code == 415)
    #expect(yaml?.reason == "UnsupportedMediaType")

    let get = await apiError {
      _ = try await post(handler, Self.reviewPath, [], method: "GET")
    }
    #expect(get?.code == 405)

    var named = Self.reviewPath
    named.name = "x"
    let object = await apiError { _ = try await post(handler, named, []) }
    #expect(object?.code == 404)
  }

  @Test func discoveryEntries() {
    #expect(
      AccessReviewHandler.resourceTypes.map(\.plural) == [
        "selfsubjectaccessreviews", "selfsubjectrulesreviews",
      ])
    for type in AccessReviewHandler.resourceTypes {
      #expect(type.group == "authorization.k8s.io")
      #expect(type.versions == ["v1"])
      #expect(!type.namespaced)
      #expect(AccessReviewHandler.discoveryVerbs(for: type) == ["create"])
    }
    #expect(
      AccessReviewHandler.resourceTypes.map(\.kind) == [
        "SelfSubjectAccessReview", "SelfSubjectRulesReview",
      ])
    let projects = BuiltinTypes.registry.resolve("projects")!
    #expect(AccessReviewHandler.discoveryVerbs(for: projects) == nil)
    #expect(AccessReviewHandler.serves(Self.reviewPath))
    #expect(
      !AccessReviewHandler.serves(
        ResourcePath(group: mooringGroup, version: "v1alpha1", resource: "projects")))

    // Discovery adds them to the store's types: the group kubectl needs.
    let registry = TypeRegistry(BuiltinTypes.all)
    let discovery = DiscoveryDocuments(registry: registry, serverAddress: "127.0.0.1:6443")
    let list = discovery.resourceList(group: "authorization.k8s.io", version: "v1")
    #expect(
      list?["resources"]?.listValue?.compactMap { $0["name"]?.stringValue } == [
        "selfsubjectaccessreviews", "selfsubjectrulesreviews",
      ])
    #expect(list?["resources"]?[0]?["verbs"] == ["create"])
  }
}
