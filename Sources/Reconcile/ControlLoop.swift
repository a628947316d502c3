import Admission
import Foundation
import Logging
import Metrics
import Objects
import Store
import Synchronization

/// The daemon's controllers: every tick it picks up writes other processes made to the
/// store, fetches each GitRepository that is due (its interval elapsed, its spec changed,
/// or a reconcile was requested), and reconciles each Sync that is due (its source has a
/// new revision, its spec changed, its interval elapsed, or a reconcile was requested).
/// Work runs one item at a time: on two cores the store's single writer is the limit.
public final class ControlLoop: Sendable {
  public let store: SQLiteStore
  public let repositories: GitRepositoryReconciler
  public let syncs: SyncReconciler
  public let tick: Duration
  private let lastRun = Mutex<[String: Double]>([:])
  /// The newest audit record already looked at for drift (revision, time).
  private let auditCursor = Mutex<(revision: Int64, time: Double)>((0, 0))

  public init(
    store: SQLiteStore, dataDirectory: String, logger: Logger, tick: Duration = .seconds(1),
    chain: AdmissionChain = AdmissionChain(), authorizer: (any SyncAuthorizer)? = nil
  ) {
    self.store = store
    repositories = GitRepositoryReconciler(
      store: store, mirrorsDirectory: (dataDirectory as NSString).appendingPathComponent("git"),
      logger: logger)
    syncs = SyncReconciler(store: store, chain: chain, logger: logger, authorizer: authorizer)
    self.tick = tick
  }

  /// Runs until the task is cancelled.
  public func run() async {
    while !Task.isCancelled {
      await runOnce()
      try? await Task.sleep(for: tick)
    }
  }

  /// One pass over every GitRepository and Sync.
  public func runOnce() async {
    _ = try? store.refreshFromDisk()
    let now = Date().timeIntervalSince1970
    let repos =
      (try? await store.list(GitRepositoryReconciler.repositories, ListOptions()))?.items ?? []
    for repo in repos where repo.spec?["suspend"]?.boolValue != true {
      if Task.isCancelled { return }
      let id = "repo/\(repo.namespace ?? "")/\(repo.name ?? "")"
      let interval = Duration.seconds(parsing: repo.spec?["interval"]?.stringValue ?? "") ?? 60
      let status = repo.status
      let due =
        status?["artifact"] == nil && status?["conditions"] == nil
        || status?["observedGeneration"]?.intValue != repo.generation
        || repo.annotations[SyncLabels.requestedAt]
          != status?["lastHandledReconcileAt"]?.stringValue
        || now - (lastRun.withLock { $0[id] } ?? 0) >= interval
      guard due else { continue }
      lastRun.withLock { $0[id] = now }
      await repositories.reconcile(repo)
    }
    let fresh =
      (try? await store.list(GitRepositoryReconciler.repositories, ListOptions()))?.items ?? []
    let items = (try? await store.list(SyncReconciler.syncs, ListOptions()))?.items ?? []
    let touched = await touchedInventories(items)
    syncs.memory.retain(Set(items.map { "\($0.namespace ?? "")/\($0.name ?? "")" }))
    for sync in items {
      // A shutdown waits for at most the reconcile in progress, not the whole pass.
      if Task.isCancelled { return }
      guard let spec = try? SyncSpec(sync) else {
        _ = await syncs.reconcile(sync, repository: nil, mirror: nil)
        continue
      }
      if spec.suspend { continue }
      let id = "sync/\(sync.namespace ?? "")/\(sync.name ?? "")"
      let repo = fresh.first {
        $0.name == spec.sourceName && $0.namespace == (spec.sourceNamespace ?? sync.namespace)
      }
      let revision = repo?.value[path: "status.artifact.revision"]?.stringValue
      let status = sync.status
      let due =
        revision != status?["lastAttemptedRevision"]?.stringValue
        || status?["observedGeneration"]?.intValue != sync.generation
        || sync.annotations[SyncLabels.requestedAt]
          != status?["lastHandledReconcileAt"]?.stringValue
        || now - (lastRun.withLock { $0[id] } ?? 0) >= spec.interval
        || touched.contains(id)
      guard due else { continue }
      if let blocked = dependencyNotReady(spec, sync, items) {
        _ = await syncs.finish(sync, spec, .waiting(blocked))
        continue
      }
      lastRun.withLock { $0[id] = now }
      let started = ContinuousClock.now
      let outcome = await syncs.reconcile(
        sync, repository: repo, mirror: repo.flatMap(repositories.mirror))
      let elapsed = ContinuousClock.now - started
      Metrics.Timer(
        label: "mooring_sync_reconcile_duration_seconds",
        dimensions: [
          ("sync", "\(sync.namespace ?? "")/\(sync.name ?? "")"), ("result", outcome.metricLabel),
        ]
      ).recordNanoseconds(
        elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000)
    }
  }

  /// The Syncs (as `sync/NS/NAME`) one of whose managed objects someone other than a Sync
  /// or a controller changed or deleted since the last pass: they are reconciled now, so
  /// drift is reported or corrected within a tick instead of at the next interval. Read
  /// from the audit trail, so writes by other processes count too.
  private func touchedInventories(_ syncs: [Object]) async -> Set<String> {
    let cursor = auditCursor.withLock { $0 }
    let first = cursor.revision == 0
    let records =
      (try? store.audit(AuditQuery(since: first ? nil : cursor.time - 5, limit: first ? 1 : 0)))
      ?? []
    guard let newest = records.first else { return [] }
    auditCursor.withLock { $0 = (max($0.revision, newest.revision), newest.time) }
    if first { return [] }
    let registry = store.registry
    let identities = Set(syncs.compactMap { try? SyncSpec($0).identity })
    var ids = Set<String>()
    for record in records where record.revision > cursor.revision {
      guard record.verb != "update/status", !identities.contains(record.actor),
        !record.actor.hasPrefix("system:mooring"),
        let type = registry.type(for: record.key.resource)
      else { continue }
      ids.insert(
        "\(record.key.namespace ?? "")_\(record.key.name)_\(type.group)_\(type.kind)")
    }
    guard !ids.isEmpty else { return [] }
    var touched = Set<String>()
    for sync in syncs {
      let inventory = sync.value[path: "status.inventory.entries"]?.listValue ?? []
      if inventory.contains(where: { ids.contains($0["id"]?.stringValue ?? "") }) {
        touched.insert("sync/\(sync.namespace ?? "")/\(sync.name ?? "")")
      }
    }
    return touched
  }

  /// Why `sync` must wait for a Sync it depends on, if it must.
  private func dependencyNotReady(_ spec: SyncSpec, _ sync: Object, _ all: [Object]) -> String? {
    for name in spec.dependsOn {
      let dependency = all.first { $0.name == name && $0.namespace == sync.namespace }
      let ready = dependency?.value[path: "status.conditions"]?.listValue?.contains {
        $0["type"]?.stringValue == "Ready" && $0["status"]?.stringValue == "True"
      }
      if ready != true { return "dependency '\(sync.namespace ?? "")/\(name)' is not ready" }
    }
    return nil
  }
}
