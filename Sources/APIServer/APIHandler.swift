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
  /// Served at /metrics when set.
  let metrics: APIMetrics?

  public init(
    store: SQLiteStore, chain: AdmissionChain = AdmissionChain(), serverAddress: String,
    mooringVersion: String, maxBodyBytes: Int = 3 * 1024 * 1024, metrics: APIMetrics? = nil,
    logger: Logger
  ) {
    self.metrics = metrics
    self.store = store
    self.admission = AdmissionSnapshots(store: store, chain: chain)
    self.serverAddress = serverAddress
    self.mooringVersion = mooringVersion
    self.maxBodyBytes = maxBodyBytes
    self.logger = logger
  }

  /// Answers one request.
  public func handle(_ request: APIRequest) async -> APIResponse {
    do {
      return try await route(request)
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
    switch request.path {
    case "/version":
      return .json(APIVersionInfo.document(mooringVersion: mooringVersion))
    case "/healthz", "/livez", "/readyz":
      return .text("ok")
    case "/metrics":
      guard let metrics else { throw APIError.notFound() }
      return .text(await metrics.exposition(store: store))
    case "/openapi/v3", "/openapi/v3/":
      return .json(try await openAPI().index)
    default:
      break
    }
    if request.path.hasPrefix("/openapi/v3/") {
      return try await openAPIDocument(String(request.path.dropFirst("/openapi/v3/".count)))
    }
    guard let target = ResourcePath.parse(request.path) else { throw APIError.notFound() }
    let discovery = DiscoveryDocuments(
      registry: await store.registry, serverAddress: serverAddress)
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
      return try await resource(path, request)
    }
  }

  func openAPI() async throws -> OpenAPIDocuments {
    let snapshot = try await admission.snapshot()
    return OpenAPIDocuments(
      registry: await store.registry, customResourceDefinitions: snapshot.customResourceDefinitions)
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
    let registry = await store.registry
    guard
      let type = registry.type(for: GroupResource(group: path.group, resource: path.resource)),
      type.versions.contains(path.version)
    else {
      throw APIError.notFound(
        "the server could not find the requested resource")
    }
    if !type.namespaced, path.namespace != nil { throw APIError.notFound() }
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
