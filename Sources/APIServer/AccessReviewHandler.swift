import Admission
import Objects
import Store

/// The `authorization.k8s.io/v1` self reviews behind `kubectl auth can-i`:
/// `POST .../selfsubjectaccessreviews` (may I do this?) and `.../selfsubjectrulesreviews`
/// (what may I do in this namespace? for `--list`). Bodies are JSON or, as kubectl ≥ 1.32
/// sends them, Kubernetes protobuf; the answer is the review with its `status`, sent as
/// JSON with 201. Nothing is stored.
public struct AccessReviewHandler: Sendable {
  public static let group = "authorization.k8s.io"
  public static let version = "v1"
  public static let accessReviews = "selfsubjectaccessreviews"
  public static let rulesReviews = "selfsubjectrulesreviews"

  public let authorizer: RBACAuthorizer

  public init(authorizer: RBACAuthorizer) {
    self.authorizer = authorizer
  }

  /// Whether `path` is one of the two review resources (whatever the method).
  public static func serves(_ path: ResourcePath) -> Bool {
    path.group == group && path.version == version
      && (path.resource == accessReviews || path.resource == rulesReviews)
  }

  /// Answers a request on a path `serves(_:)` accepts: 201 with the review, 405 for
  /// another method than POST, 404 for an object or namespaced path. `registry` tells
  /// which resources are cluster-scoped (their checks ignore the namespace kubectl sends).
  public func respond(to request: APIRequest, path: ResourcePath, registry: TypeRegistry)
    async throws -> APIResponse
  {
    guard Self.serves(path), path.namespace == nil, path.name == nil else {
      throw APIError.notFound()
    }
    guard request.method == "POST" else {
      throw APIError.methodNotAllowed(request.method, path.resource)
    }
    let review = try await review(
      resource: path.resource, body: request.body, contentType: request.contentType,
      user: request.user, registry: registry)
    return .json(review, status: 201)
  }

  /// The review in `body` (`contentType` `application/json` or
  /// `application/vnd.kubernetes.protobuf`) answered for `user`. `resource` is
  /// `selfsubjectaccessreviews` or `selfsubjectrulesreviews`. Throws `APIError`s: 415 for
  /// another media type, 400 for an undecodable body, 422 for an invalid spec.
  public func review(
    resource: String, body: [UInt8], contentType: String, user: AdmissionUserInfo,
    registry: TypeRegistry? = nil
  ) async throws -> Value {
    let kind: String
    switch resource {
    case Self.accessReviews: kind = "SelfSubjectAccessReview"
    case Self.rulesReviews: kind = "SelfSubjectRulesReview"
    default: throw APIError.notFound()
    }
    let object = try Self.decode(body, contentType: contentType, kind: kind)
    if kind == "SelfSubjectAccessReview" {
      return try await accessReview(object, user: user, registry: registry)
    }
    return try await rulesReview(object, user: user)
  }

  /// A SelfSubjectAccessReview answered: `status.allowed` and `status.reason`.
  public func accessReview(_ object: Value, user: AdmissionUserInfo, registry: TypeRegistry?)
    async throws -> Value
  {
    let spec = object["spec"] ?? .map([:])
    let resource = spec["resourceAttributes"].flatMap { $0.isNull ? nil : $0 }
    let nonResource = spec["nonResourceAttributes"].flatMap { $0.isNull ? nil : $0 }
    var errors: [FieldError] = []
    if resource != nil, let nonResource {
      errors.append(
        .invalid(
          ValuePath(keys: "spec", "nonResourceAttributes"), nonResource,
          "cannot be specified in combination with resourceAttributes"))
    }
    if resource == nil, nonResource == nil {
      errors.append(
        .invalid(
          ValuePath(keys: "spec", "resourceAttributes"), .null,
          "exactly one of nonResourceAttributes or resourceAttributes must be specified"))
    }
    guard errors.isEmpty else {
      throw APIError.invalid(
        kind: "SelfSubjectAccessReview", group: Self.group, name: "", errors: errors)
    }
    let attributes: RequestAttributes
    if let r = resource {
      func field(_ key: String) -> String { r[key]?.stringValue ?? "" }
      var namespace = field("namespace")
      // kubectl sends its current namespace even for cluster-scoped resources.
      if let type = registry?.type(
        for: GroupResource(group: field("group"), resource: field("resource"))),
        !type.namespaced
      {
        namespace = ""
      }
      let version = field("version")
      attributes = RequestAttributes(
        user: user, verb: field("verb"), apiGroup: field("group"),
        apiVersion: version.isEmpty ? "*" : version, resource: field("resource"),
        subresource: field("subresource"), namespace: namespace, name: field("name"))
    } else {
      attributes = RequestAttributes(
        user: user, verb: nonResource?["verb"]?.stringValue ?? "",
        nonResourcePath: nonResource?["path"]?.stringValue ?? "")
    }
    let decision = try await authorizer.authorize(attributes)
    var status: ValueMap = ["allowed": .bool(decision.allowed)]
    if !decision.reason.isEmpty { status["reason"] = .string(decision.reason) }
    return Self.answer(object, kind: "SelfSubjectAccessReview", status: status)
  }

  /// A SelfSubjectRulesReview answered: `status.resourceRules`, `nonResourceRules`,
  /// `incomplete` and, when roles could not be resolved, `evaluationError`.
  public func rulesReview(_ object: Value, user: AdmissionUserInfo) async throws -> Value {
    let namespace = object[path: ValuePath(keys: "spec", "namespace")]?.stringValue ?? ""
    guard !namespace.isEmpty else { throw APIError.badRequest("no namespace on request") }
    let rules = try await authorizer.rules(for: user, namespace: namespace)
    var status: ValueMap = [
      "resourceRules": .list(rules.resourceRules.map(\.value)),
      "nonResourceRules": .list(rules.nonResourceRules.map(\.value)),
      "incomplete": false,
    ]
    if let error = rules.evaluationError { status["evaluationError"] = .string(error) }
    return Self.answer(object, kind: "SelfSubjectRulesReview", status: status)
  }

  /// The review as answered: its type, metadata and spec, and `status`.
  static func answer(_ object: Value, kind: String, status: ValueMap) -> Value {
    [
      "apiVersion": .string("\(group)/\(version)"), "kind": .string(kind),
      "metadata": object["metadata"] ?? .map([:]), "spec": object["spec"] ?? .map([:]),
      "status": .map(status),
    ]
  }

  /// The review object in a request body.
  static func decode(_ body: [UInt8], contentType: String, kind: String) throws -> Value {
    let object: Value
    switch contentType {
    case ProtobufEnvelope.mediaType:
      do {
        object = try ProtobufEnvelope.decode(body)
      } catch {
        throw APIError.badRequest("the body of the request could not be decoded: \(error)")
      }
    case "application/json", "":
      do {
        object = try JSON.decode(body)
      } catch {
        throw APIError.badRequest("the body of the request is not valid JSON: \(error)")
      }
    default:
      throw APIError(
        code: 415, reason: "UnsupportedMediaType",
        message:
          "the body of the request was in an unknown format - accepted media types include: "
          + "application/json, \(ProtobufEnvelope.mediaType)")
    }
    guard case .map = object else {
      throw APIError.badRequest("the body of the request must be a \(kind) object")
    }
    if let found = object["kind"]?.stringValue, found != kind {
      throw APIError.badRequest("\(found) cannot be handled as a \(kind)")
    }
    if let found = object["apiVersion"]?.stringValue, found != "\(group)/\(version)" {
      throw APIError.badRequest(
        "\(kind) in version \"\(found)\" cannot be handled as a \(kind): no kind \"\(kind)\" "
          + "is registered for version \"\(found)\"")
    }
    return object
  }

  // MARK: - Discovery

  /// The two review kinds as discovery describes them (group `authorization.k8s.io`,
  /// version `v1`, cluster-scoped, verb `create` only; see `discoveryVerbs(for:)`). They
  /// are not store kinds: list them in discovery only.
  public static let resourceTypes: [ResourceType] = [
    ResourceType(
      group: group, versions: [version], kind: "SelfSubjectAccessReview", plural: accessReviews,
      namespaced: false, hasStatusSubresource: false),
    ResourceType(
      group: group, versions: [version], kind: "SelfSubjectRulesReview", plural: rulesReviews,
      namespaced: false, hasStatusSubresource: false),
  ]

  /// The verbs discovery lists for `type`: `["create"]` for the reviews, nil for every
  /// other kind (which keeps the usual verbs).
  public static func discoveryVerbs(for type: ResourceType) -> [String]? {
    resourceTypes.contains(type) ? ["create"] : nil
  }
}
