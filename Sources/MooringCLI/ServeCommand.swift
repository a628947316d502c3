import APIServer
import Admission
import ArgumentParser
import Foundation
import Logging
import Metrics
import Objects
import Prometheus
import Reconcile
import ServiceLifecycle
import Store

/// `mooring serve`: the daemon.
struct ServeCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "serve",
    abstract: "Run the control plane: the store and the GitOps controllers.",
    discussion: """
      Opens the store at DIR/store.db, registers the built-in kinds, declares the
      GitRepository and Sync named `platform` in namespace mooring-system for the
      bootstrap repository, and runs the controllers until SIGINT or SIGTERM.
      """)

  @Option(help: "Where the store and the git mirrors live.")
  var dataDir: String = ".data"

  @Option(help: "The URL of the platform repository (file://, git://, http(s)://, ssh://).")
  var bootstrap: String?

  @Option(help: "The branch, tag or commit of the platform repository.")
  var bootstrapRef: String = "main"

  @Option(help: "The path in the platform repository to sync.")
  var bootstrapPath: String = ""

  @Option(help: "How often the platform repository is fetched (Go duration).")
  var bootstrapInterval: String = "1m"

  @Option(
    help: "How many git repositories are fetched at the same time (like Flux's --concurrent).")
  var concurrentFetches: Int = 4

  @Option(help: "Log format: text or json.")
  var logFormat: String = "text"

  @Option(help: "Where the Kubernetes-compatible API listens (HOST:PORT; port 0 picks one).")
  var listen: String = "127.0.0.1:6443"

  @Flag(
    help: """
      Serve the API over plain HTTP, treating requests without credentials as the \
      administrator (kubectl sends no credentials over http). For loopback development.
      """)
  var insecureHTTP = false

  @Option(help: "The API's TLS certificate (PEM); default: a self-signed one in DIR.")
  var tlsCert: String?

  @Option(help: "The key of --tls-cert (PEM).")
  var tlsKey: String?

  @Option(help: "Append an audit.k8s.io/v1 Event per API request to this JSON-lines file.")
  var auditLogPath: String?

  @Option(help: "A kube-style token file: CSV lines token,user,uid,\"group1,group2\".")
  var tokenAuthFile: String?

  @Option(
    help: """
      How often the store's change log is compacted, keeping that much history for watches \
      and paged lists to resume from (Go duration; 0 turns compaction off).
      """)
  var compactionInterval: String = "5m"

  @Option(help: "How long the store keeps API request records (Go duration).")
  var auditRetention: String = "168h"

  @Option(help: "How many API request records the store keeps at most.")
  var auditMaxRequests: Int = 1_000_000

  func validate() throws {
    guard let colon = listen.lastIndex(of: ":"), Int(listen[listen.index(after: colon)...]) != nil
    else {
      throw ValidationError("--listen must be HOST:PORT, e.g. 127.0.0.1:6443")
    }
    guard (tlsCert == nil) == (tlsKey == nil) else {
      throw ValidationError("--tls-cert and --tls-key go together")
    }
    guard concurrentFetches >= 1 else {
      throw ValidationError("--concurrent-fetches must be at least 1")
    }
    guard ["text", "json"].contains(logFormat) else {
      throw ValidationError("--log-format must be text or json")
    }
    guard let interval = Duration.seconds(parsing: compactionInterval), interval >= 0 else {
      throw ValidationError(
        "--compaction-interval \(compactionInterval): expected a duration like 5m")
    }
    guard let retention = Duration.seconds(parsing: auditRetention), retention > 0 else {
      throw ValidationError("--audit-retention \(auditRetention): expected a duration like 168h")
    }
    guard auditMaxRequests >= 0 else {
      throw ValidationError("--audit-max-requests must not be negative")
    }
  }

  func run() async throws {
    let json = logFormat == "json"
    LoggingSystem.bootstrap { label in
      json
        ? JSONLogHandler(label: label) as any LogHandler
        : StreamLogHandler.standardError(label: label)
    }
    let logger = Logger(label: "mooring")
    let registry = PrometheusCollectorRegistry()
    MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
    try FileManager.default.createDirectory(atPath: dataDir, withIntermediateDirectories: true)
    let store = try SQLiteStore(path: (dataDir as NSString).appendingPathComponent("store.db"))
    try await Bootstrap.declareDefaultNamespace(in: store)
    if let bootstrap {
      try await Bootstrap(
        url: bootstrap, ref: bootstrapRef, path: bootstrapPath, interval: bootstrapInterval
      ).declare(in: store)
    }
    let revision = try await store.currentRevision()
    logger.info("mooring started", metadata: ["dataDir": "\(dataDir)", "revision": "\(revision)"])
    let rbac = RBACAuthorizer(store: store)
    let loop = ControlLoop(
      store: store, dataDirectory: dataDir, logger: logger, chain: AdmissionChain(authorizer: rbac),
      authorizer: RBACSyncAuthorizer(rbac: rbac), fetchConcurrency: concurrentFetches)
    let trail = RequestAuditTrail(store: store, logger: logger)
    let auditLog = try auditLogPath.map { try AuditLog(path: $0) }
    let compaction = Duration.seconds(parsing: compactionInterval) ?? 0
    // Shut down in reverse order: the API first, the request trail's and audit log's last
    // flushes at the end.
    var services: [any Service] = auditLog.map { [AuditLogService(log: $0, logger: logger)] } ?? []
    services += [
      StoreMaintenanceService(
        store: store, trail: trail, compactionInterval: compaction > 0 ? compaction : nil,
        auditRetention: Duration.seconds(parsing: auditRetention) ?? 604_800,
        auditMaxRequests: auditMaxRequests, logger: logger),
      ControllerService(loop: loop),
      try apiServer(
        store: store, rbac: rbac, registry: registry, trail: trail, auditLog: auditLog,
        logger: logger),
    ]
    let group = ServiceGroup(
      services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
    try await group.run()
    logger.info("mooring stopped")
  }
}

extension ServeCommand {
  /// The API server as a service; it writes the address it listens on to DIR/api-address
  /// (what `mooring kubeconfig` reads).
  func apiServer(
    store: SQLiteStore, rbac: RBACAuthorizer, registry: PrometheusCollectorRegistry,
    trail: RequestAuditTrail, auditLog: AuditLog?, logger: Logger
  ) throws -> any Service {
    let colon = listen.lastIndex(of: ":")!
    let host = String(listen[..<colon])
    let port = Int(listen[listen.index(after: colon)...]) ?? 6443
    var authenticator = TokenAuthenticator(
      unauthenticated: insecureHTTP ? TokenAuthenticator.admin : nil)
    if let tokenAuthFile { try authenticator.load(tokenFile: tokenAuthFile) }
    authenticator.add(token: try AdminToken.load(dataDir: dataDir), user: TokenAuthenticator.admin)
    let serviceAccountTokens = try ServiceAccountTokens.load(dataDir: dataDir)
    authenticator.serviceAccounts = serviceAccountTokens
    var certificate: ServingCertificate?
    if !insecureHTTP {
      if let tlsCert, let tlsKey {
        certificate = ServingCertificate(certificatePath: tlsCert, keyPath: tlsKey)
      } else {
        certificate = try ServingCertificate.selfSigned(in: dataDir, hosts: [host])
      }
    }
    let handler = APIHandler(
      store: store, chain: AdmissionChain(authorizer: rbac), serverAddress: listen,
      mooringVersion: MooringVersion.string,
      metrics: APIMetrics(registry: registry),
      webhook: { namespace, name, headers, body in
        let outcome = await WebhookReceiver(store: store).receive(
          namespace: namespace, name: name, headers: headers, body: body)
        logger.info(
          "webhook",
          metadata: ["repository": "\(namespace)/\(name)", "status": "\(outcome.status)"])
        return (outcome.status, outcome.message)
      }, authorizer: rbac, serviceAccountTokens: serviceAccountTokens,
      readiness: bootstrap == nil ? nil : Bootstrap.readiness(store: store),
      subresourceReaders: [
        SubresourceName(SyncReconciler.syncs, "manifests"): { namespace, name in
          let sync = try await store.get(
            ObjectKey(SyncReconciler.syncs, namespace: namespace, name: name))
          return await DesiredManifests(
            store: store, mirrorsDirectory: (dataDir as NSString).appendingPathComponent("git")
          ).list(of: sync)
        }
      ], logger: logger)
    let addressFile = (dataDir as NSString).appendingPathComponent("api-address")
    let scheme = insecureHTTP ? "http" : "https"
    return try APIServer(
      handler: handler, authenticator: authenticator, host: host, port: port,
      certificate: certificate, auditLog: auditLog,
      requestTrail: trail
    )
    .application(logger: logger) { bound in
      let url = "\(scheme)://\(host == "0.0.0.0" ? "127.0.0.1" : host):\(bound)"
      try? Data(url.utf8).write(to: URL(fileURLWithPath: addressFile), options: .atomic)
      logger.info("API listening", metadata: ["url": "\(url)"])
    }
  }
}

/// The controllers as a lifecycle service: they stop at graceful shutdown.
struct ControllerService: Service {
  let loop: ControlLoop

  func run() async throws {
    await cancelWhenGracefulShutdown {
      await loop.run()
    }
  }
}

/// Declares the platform GitRepository and Sync (creating or updating their specs).
struct Bootstrap {
  var url: String
  var ref: String
  var path: String
  var interval: String

  static let namespace = "mooring-system"

  /// `/readyz`'s check: the platform Sync has synced (nil), or why not.
  static func readiness(store: SQLiteStore) -> APIHandler.Readiness {
    {
      let key = ObjectKey(SyncReconciler.syncs, namespace: namespace, name: "platform")
      guard let sync = try? await store.get(key) else { return "bootstrap: no platform Sync" }
      let conditions = sync.value[path: "status.conditions"]?.listValue ?? []
      let ready = conditions.contains {
        $0["type"] == "Ready" && $0["status"] == "True"
      }
      return ready ? nil : "bootstrap: the platform Sync has not synced yet"
    }
  }

  /// Creates the `default` Namespace (where kubectl puts namespaced objects without one).
  static func declareDefaultNamespace(in store: SQLiteStore) async throws {
    let key = ObjectKey(BuiltinTypes.namespaces, namespace: nil, name: "default")
    if (try? await store.get(key)) == nil {
      _ = try await store.create(
        Object(apiVersion: "v1", kind: "Namespace", name: "default"),
        context: WriteContext(actor: "system:mooring", source: "serve"))
    }
  }

  func declare(in store: SQLiteStore) async throws {
    let context = WriteContext(actor: "system:mooring:bootstrap", source: "serve --bootstrap")
    let nsKey = ObjectKey(BuiltinTypes.namespaces, namespace: nil, name: Self.namespace)
    if (try? await store.get(nsKey)) == nil {
      _ = try await store.create(
        Object(apiVersion: "v1", kind: "Namespace", name: Self.namespace), context: context)
    }
    // The platform Sync is the root of everything declared: it acts as cluster-admin.
    let bindingKey = ObjectKey(
      GroupResource(group: "rbac.authorization.k8s.io", resource: "clusterrolebindings"),
      namespace: nil, name: "mooring:platform-sync")
    if (try? await store.get(bindingKey)) == nil {
      var binding = Object(
        apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRoleBinding",
        name: "mooring:platform-sync")
      binding.value["roleRef"] = [
        "apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "cluster-admin",
      ]
      binding.value["subjects"] = [
        [
          "apiGroup": "rbac.authorization.k8s.io", "kind": "User",
          "name": .string("system:sync:\(Self.namespace):platform"),
        ]
      ]
      _ = try await store.create(binding, context: context)
    }
    var repo = Object(
      apiVersion: "gitops.mooring.dev/v1alpha1", kind: "GitRepository", name: "platform",
      namespace: Self.namespace)
    repo.spec = ["url": .string(url), "ref": ["name": .string(ref)], "interval": .string(interval)]
    var sync = Object(
      apiVersion: "gitops.mooring.dev/v1alpha1", kind: "Sync", name: "platform",
      namespace: Self.namespace)
    sync.spec = [
      "sourceRef": ["kind": "GitRepository", "name": "platform"], "path": .string(path),
      "interval": .string(interval), "prune": true,
    ]
    for var object in [repo, sync] {
      let resource =
        object.kind == "Sync" ? SyncReconciler.syncs : GitRepositoryReconciler.repositories
      let key = ObjectKey(resource, namespace: Self.namespace, name: "platform")
      if let live = try? await store.get(key) {
        object.resourceVersion = live.resourceVersion
        object.value["metadata"] = live.value["metadata"]
        _ = try await store.update(object, context: context)
      } else {
        _ = try await store.create(object, context: context)
      }
    }
  }
}
