import Store

extension APIHandler {
  /// Decides `request` with RBAC: returns when it is allowed, throws the 403 Forbidden
  /// kube-apiserver would answer otherwise (`organizations.resourcemanager.mooring.dev
  /// "acme" is forbidden: User "u" cannot delete resource ...`).
  func authorize(_ request: APIRequest, with rbac: RBACAuthorizer) async throws {
    let decision = try await rbac.authorize(RequestAttributes(request))
    if let forbidden = decision.forbiddenError { throw forbidden }
  }

  /// The answer to a SelfSubjectAccessReview or SelfSubjectRulesReview request (201 with
  /// the review); nil when `path` is not one of those resources.
  func accessReview(_ path: ResourcePath, _ request: APIRequest, with rbac: RBACAuthorizer)
    async throws -> APIResponse?
  {
    guard AccessReviewHandler.serves(path) else { return nil }
    return try await AccessReviewHandler(authorizer: rbac).respond(
      to: request, path: path, registry: store.registry)
  }
}
