import Admission
import Foundation
import Logging
import Objects
import Store

/// The Kubernetes-compatible API over the store: discovery, OpenAPI, and the REST verbs of
/// every kind, with admission on every write. Transport-independent: the HTTP server hands
/// it `APIRequest`s (already authenticated) and writes back its `APIResponse`s.
public final class APIHandler: Sendable {
  public let store: SQLiteStore
  let admission: AdmissionSnapshots
  let serverAddress: String
  let mooringVersion: String
  let logger: Logger
  /// The largest request body accepted.
  public let maxBodyBytes: Int
  /// How long a request other than a watch may take before it gets a 504.
  public let requestTimeout: Duration
  /// Where requests wait out `requestTimeout`.
  let deadlines: RequestDeadlines
  /// Served at /metrics when set.
  let metrics: APIMetrics?
  /// Answers `POST /hooks/gitrepositories/NAMESPACE/NAME` (a git host's push
  /// notification) with an HTTP status and message; the receiver authenticates the request.
  public typealias Webhook =
    @Sendable (
      _ namespace: String, _ name: String, _ headers: [String: String], _ body: [UInt8]
    ) async -> (Int, String)
  let webhook: Webhook?
  /// Why the daemon is not ready yet (nil when it is); `/readyz` answers 503 with it.
  public typealias Readiness = @Sendable () async -> String?
  let readiness: Readiness?
  /// Kubernetes RBAC: decides every request and answers `kubectl auth can-i`; nil lets
  /// every authenticated request through (and serves no self reviews).
  let rbac: RBACAuthorizer?
  /// Issues ServiceAccount tokens (the `token` subresource) when set.
  let serviceAccountTokens: ServiceAccountTokens?
  /// Answers `GET` of a read-only subresource the daemon adds to a kind (such as
  /// `syncs/manifests`) with the document to serve; it throws `StoreError.notFound` for an
  /// object that does not exist. Authorized as the subresource, like any other.
  public typealias SubresourceReader =
    @Sendable (_ namespace: String?, _ name: String) async throws -> Value
  /// The read-only subresources, by kind and subresource name.
  let subresourceReaders: [SubresourceName: SubresourceReader]

  public init(
    store: SQLiteStore, chain: AdmissionChain = AdmissionChain(), serverAddress: String,
    mooringVersion: String, maxBodyBytes: Int = 3 * 1024 * 1024,
    requestTimeout: Duration = .seconds(60), metrics: APIMetrics? = nil,
    webhook: Webhook? = nil, authorizer: RBACAuthorizer? = nil,
    serviceAccountTokens: ServiceAccountTokens? = nil, readiness: Readiness? = nil,
    subresourceReaders: [SubresourceName: SubresourceReader] = [:], logger: Logger
  ) {
    self.subresourceReaders = subresourceReaders
    self.readiness = readiness
    self.serviceAccountTokens = serviceAccountTokens
    self.rbac = authorizer
    self.metrics = metrics
    self.webhook = webhook
    self.store = store
    self.admission = AdmissionSnapshots(store: store, chain: chain)
    self.serverAddress = serverAddress
    self.mooringVersion = mooringVersion
    self.maxBodyBytes = maxBodyBytes
    self.requestTimeout = requestTimeout
    deadlines = RequestDeadlines(tick: min(.milliseconds(100), requestTimeout / 4))
    self.logger = logger
  }

  /// Where git hosts post push notifications.
  public static let hookPrefix = "/hooks/gitrepositories/"
  /// How many events a watch response holds for a client that does not read them; past
  /// that the watch ends and the client resumes from its last revision.
  public static let watchBufferChunks = 1024

  /// Answers one request.
  public func handle(_ request: APIRequest) async -> APIResponse {
    do {
      // Watches end on their own `timeoutSeconds`; everything else gets `requestTimeout`.
      if request.flag("watch") { return try await route(request) }
      return try await withThrowingTaskGroup(of: APIResponse.self) { group in
        group.addTask { try await self.route(request) }
        group.addTask {
          try await self.deadlines.wait(until: .now + self.requestTimeout)
          throw APIError(
            code: 504, reason: "Timeout",
            message:
              "the server was unable to return a response in the time allotted (\(self.requestTimeout)), but may still be processing the request"
          )
        }
        defer { group.cancelAll() }
        guard let first = try await group.next() else {
          throw APIError.internalError("the request produced no response")
        }
        return first
      }
    } catch let error as APIError {
      return .error(error)
    } catch let error as StoreError {
      return .error(APIError.from(error, type: nil))
    } catch {
      logger.error("request failed", metadata: ["path": "\(request.path)", "error": "\(error)"])
      return .error(.internalError("\(error)"))
    }
  }

  func route(_ request: APIRequest) async throws -> APIResponse {
    if let rbac, !request.path.hasPrefix(Self.hookPrefix) {
      try await authorize(request, with: rbac)
    }
    switch request.path {
    case "/version":
      return .json(APIVersionInfo.document(mooringVersion: mooringVersion))
    case "/healthz", "/livez":
      return .text("ok")
    case "/readyz":
      // Ready: the store answers, and whatever the daemon waits for (the bootstrap Sync).
      _ = try await store.currentRevision()
      if let readiness, let why = await readiness() {
        return .text("[-]\(why)\nreadyz check failed\n", status: 503)
      }
      return .text("ok")
    case "/metrics":
      guard let metrics else { throw APIError.notFound() }
      return .text(await metrics.exposition(store: store))
    case "/openapi/v3", "/openapi/v3/":
      return .json(try await openAPI().index)
    default:
      break
    }
    if request.path.hasPrefix(Self.hookPrefix) {
      let parts = request.path.dropFirst(Self.hookPrefix.count).split(separator: "/")
      guard let webhook, parts.count == 2 else { throw APIError.notFound() }
      guard request.method == "POST" else {
        throw APIError.methodNotAllowed(request.method, request.path)
      }
      let (code, message) = await webhook(
        String(parts[0]), String(parts[1]), request.headers, request.body)
      let status: Value =
        code < 300
        ? [
          "kind": "Status", "apiVersion": "v1", "status": "Success", "message": .string(message),
          "code": .int(Int64(code)),
        ]
        : APIError(
          code: code, reason: code == 404 ? "NotFound" : code == 401 ? "Unauthorized" : "Forbidden",
          message: message
        ).status
      return .json(status, status: code)
    }
    if request.path.hasPrefix("/openapi/v3/") {
      return try await openAPIDocument(String(request.path.dropFirst("/openapi/v3/".count)))
    }
    guard let target = request.target else { throw APIError.notFound() }
    // Built only for discovery requests: it sorts every type.
    var discovery: DiscoveryDocuments {
      DiscoveryDocuments(
        registry: store.registry, serverAddress: serverAddress,
        readOnlySubresources: Array(subresourceReaders.keys))
    }
    switch target {
    case .groups(let core):
      guard request.method == "GET" else {
        throw APIError.methodNotAllowed(request.method, request.path)
      }
      if request.accepts(["g=apidiscovery.k8s.io", "v=v2", "as=APIGroupDiscoveryList"]) {
        return .json(
          discovery.aggregated(core: core), contentType: DiscoveryDocuments.aggregatedMediaType)
      }
      return .json(core ? discovery.coreVersions : discovery.groupList)
    case .group(let name):
      guard let doc = discovery.group(named: name) else { throw APIError.notFound() }
      return .json(doc)
    case .groupVersion(let group, let version):
      guard let doc = discovery.resourceList(group: group, version: version) else {
        throw APIError.notFound()
      }
      return .json(doc)
    case .resource(let path):
      if let rbac, let review = try await accessReview(path, request, with: rbac) {
        return review
      }
      return try await resource(path, request)
    }
  }

  /// False for a ServiceAccount user whose ServiceAccount is gone or was re-created (a
  /// different uid): its tokens stop working at once, as in kube.
  func serviceAccountExists(_ user: AdmissionUserInfo) -> Bool {
    guard user.username.hasPrefix(ServiceAccountUsername.prefix) else { return true }
    guard let (namespace, name) = ServiceAccountUsername.parse(user.username) else {
      return false
    }
    let key = ObjectKey(
      GroupResource(group: "", resource: "serviceaccounts"), namespace: String(namespace),
      name: String(name))
    // One indexed read on the calling thread (the event loop's GET calls this too).
    guard let data = try? store.readStoredJSON(key), let account = try? JSON.decode(Array(data))
    else { return false }
    return user.uid.isEmpty || account[path: "metadata.uid"]?.stringValue == user.uid
  }

  func openAPI() async throws -> OpenAPIDocuments {
    let snapshot = try await admission.snapshot()
    return OpenAPIDocuments(
      registry: store.registry, customResourceDefinitions: snapshot.customResourceDefinitions)
  }

  func openAPIDocument(_ key: String) async throws -> APIResponse {
    let parts = key.split(separator: "/").map(String.init)
    let docs = try await openAPI()
    let document: Value?
    if parts.count == 2, parts[0] == "api" {
      document = docs.document(group: "", version: parts[1])
    } else if parts.count == 3, parts[0] == "apis" {
      document = docs.document(group: parts[1], version: parts[2])
    } else {
      document = nil
    }
    guard let document else { throw APIError.notFound() }
    return .json(document)
  }

  /// The verbs on one kind.
  func resource(_ path: ResourcePath, _ request: APIRequest) async throws -> APIResponse {
    let registry = store.registry
    guard
      let type = registry.type(for: GroupResource(group: path.group, resource: path.resource)),
      type.versions.contains(path.version)
    else {
      throw APIError.notFound(
        "the server could not find the requested resource")
    }
    if !type.namespaced, path.namespace != nil { throw APIError.notFound() }
    if type.groupResource == GroupResource(group: "", resource: "serviceaccounts"),
      path.subresource == "token", path.name != nil, let tokens = serviceAccountTokens
    {
      do {
        return try await ResourceCall(handler: self, type: type, path: path, request: request)
          .createToken(tokens)
      } catch let error as StoreError {
        throw APIError.from(error, type: type)
      }
    }
    if let sub = path.subresource, let name = path.name,
      let reader = subresourceReaders[SubresourceName(type.groupResource, sub)]
    {
      guard request.method == "GET" else {
        throw APIError.methodNotAllowed(request.method, "\(type.plural)/\(sub)")
      }
      do {
        return .json(try await reader(path.namespace, name))
      } catch let error as StoreError {
        throw APIError.from(error, type: type)
      }
    }
    if let sub = path.subresource, sub != "status" || !type.hasStatusSubresource {
      throw APIError.notFound()
    }
    let call = ResourceCall(handler: self, type: type, path: path, request: request)
    do {
      switch (request.method, path.name) {
      case ("GET", nil):
        return request.flag("watch") ? try await call.watch() : try await call.list()
      case ("GET", _?): return try await call.get()
      case ("POST", nil): return try await call.create()
      case ("PUT", _?): return try await call.update()
      case ("PATCH", _?): return try await call.patch()
      case ("DELETE", _?): return try await call.delete()
      case ("DELETE", nil): return try await call.deleteCollection()
      default:
        throw APIError.methodNotAllowed(request.method, type.plural)
      }
    } catch let error as StoreError {
      throw APIError.from(error, type: type)
    }
  }
}
