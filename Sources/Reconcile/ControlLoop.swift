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
  /// How many GitRepositories are fetched at once.
  public let fetchConcurrency: Int
  private let lastRun = Mutex<[String: Double]>([:])
  /// The newest audit record already looked at for drift (revision, time).
  private let auditCursor = Mutex<(revision: Int64, time: Double)>((0, 0))

  public init(
    store: SQLiteStore, dataDirectory: String, logger: Logger, tick: Duration = .seconds(1),
    chain: AdmissionChain = AdmissionChain(), authorizer: (any SyncAuthorizer)? = nil,
    fetchConcurrency: Int = 4
  ) {
    self.fetchConcurrency = max(1, fetchConcurrency)
    self.store = store
    repositories = GitRepositoryReconciler(
      store: store, mirrorsDirectory: (dataDirectory as NSString).appendingPathComponent("git"),
      logger: logger)
    syncs = SyncReconciler(store: store, chain: chain, logger: logger, authorizer: authorizer)
    self.tick = tick
  }

  /// Set when a write asked for work before the tick ends.
  private let wakeRequested = Atomic<Bool>(false)

  /// Runs until the task is cancelled: a pass, then a pause of one tick that ends early
  /// when work is asked for (a Sync or GitRepository created, deleted, changed in spec or
  /// given a reconcile request, in this process or another).
  public func run() async {
    await withTaskGroup(of: Void.self) { group in
      for resource in [GitRepositoryReconciler.repositories, SyncReconciler.syncs] {
        group.addTask { await self.watchForRequests(resource) }
      }
      while !Task.isCancelled {
        await runOnce()
        await pause()
      }
      group.cancelAll()
    }
  }

  /// Ends the current pause now (a webhook asked for a fetch).
  public func wake() { wakeRequested.store(true, ordering: .relaxed) }

  /// Sleeps one tick in short slices; returns early when woken, or when another process
  /// wrote to the store (the next pass publishes its writes and looks at them).
  private func pause() async {
    let deadline = ContinuousClock.now + tick
    while ContinuousClock.now < deadline && !Task.isCancelled {
      if wakeRequested.exchange(false, ordering: .relaxed) { return }
      if let disk = try? store.revisionOnDisk(), let mine = try? await store.currentRevision(),
        disk > mine
      {
        return
      }
      try? await Task.sleep(for: .milliseconds(20))
    }
  }

  /// Wakes the loop for every change of `resource` that asks for work.
  private func watchForRequests(_ resource: GroupResource) async {
    while !Task.isCancelled {
      do {
        let events = try await store.watch(resource, from: 0, ListOptions())
        for try await event in events where Self.asksForWork(event) { wake() }
      } catch {
        // Closed (too slow) or not registered yet: watch again after a moment.
      }
      try? await Task.sleep(for: .milliseconds(200))
    }
  }

  /// True for an event a controller must act on: a new or deleted object, a spec the
  /// status has not caught up with, or a reconcile request not yet handled.
  static func asksForWork(_ event: WatchEvent) -> Bool {
    switch event.kind {
    case .added, .deleted: return true
    case .bookmark: return false
    case .modified:
      let o = event.object
      let status = o.status
      if status?["observedGeneration"]?.intValue != o.generation { return true }
      if let requested = o.annotations[SyncLabels.requestedAt],
        requested != status?["lastHandledReconcileAt"]?.stringValue
      {
        return true
      }
      return false
    }
  }

  /// One pass over every GitRepository and Sync.
  ///
  /// Due GitRepositories are fetched a few at a time while due Syncs are reconciled: a
  /// Sync whose source is not being fetched goes first, one whose source is goes as soon
  /// as that fetch ends, so fetching and applying overlap (1,000 small tenants took the sum
  /// of both before).
  public func runOnce() async {
    _ = try? store.refreshFromDisk()
    let now = Date().timeIntervalSince1970
    let repos =
      (try? await store.list(GitRepositoryReconciler.repositories, ListOptions()))?.items ?? []
    let due = repos.filter { repo in
      guard repo.spec?["suspend"]?.boolValue != true else { return false }
      let interval = Duration.seconds(parsing: repo.spec?["interval"]?.stringValue ?? "") ?? 60
      let status = repo.status
      return status?["artifact"] == nil && status?["conditions"] == nil
        || status?["observedGeneration"]?.intValue != repo.generation
        || repo.annotations[SyncLabels.requestedAt]
          != status?["lastHandledReconcileAt"]?.stringValue
        || now - (lastRun.withLock { $0[Self.id(repo, "repo")] } ?? 0) >= interval
    }
    let items = (try? await store.list(SyncReconciler.syncs, ListOptions()))?.items ?? []
    let touched = await touchedInventories(items)
    syncs.memory.retain(Set(items.map { "\($0.namespace ?? "")/\($0.name ?? "")" }))
    let fetching = Set(due.map { Self.id($0, "repo") })
    var waiting: [String: [Object]] = [:]
    var ready: [Object] = []
    for sync in items {
      if let spec = try? SyncSpec(sync),
        fetching.contains("repo/\(spec.sourceNamespace ?? sync.namespace ?? "")/\(spec.sourceName)")
      {
        waiting[
          "repo/\(spec.sourceNamespace ?? sync.namespace ?? "")/\(spec.sourceName)", default: []
        ]
        .append(sync)
      } else {
        ready.append(sync)
      }
    }
    let (fetched, fetchedContinuation) = AsyncStream.makeStream(of: String.self)
    await withTaskGroup(of: Void.self) { group in
      // Fetches wait on the network and the remote's git more than on this process: a few
      // at a time (each mirror's own lock keeps two fetches of one URL apart).
      group.addTask {
        await withTaskGroup(of: Void.self) { fetches in
          var running = 0
          for repo in due {
            if Task.isCancelled { break }
            if running >= self.fetchConcurrency {
              await fetches.next()
              running -= 1
            }
            self.lastRun.withLock { $0[Self.id(repo, "repo")] = now }
            fetches.addTask {
              await self.repositories.reconcile(repo)
              fetchedContinuation.yield(Self.id(repo, "repo"))
            }
            running += 1
          }
        }
        fetchedContinuation.finish()
      }
      for sync in ready {
        // A shutdown waits for at most the reconcile in progress, not the whole pass.
        if Task.isCancelled { break }
        await reconcileIfDue(sync, repos, items, touched, now)
      }
      for await id in fetched {
        guard let syncsOfRepository = waiting.removeValue(forKey: id) else { continue }
        var fresh: Object?
        if let repo = repos.first(where: { Self.id($0, "repo") == id }) {
          fresh = try? await store.get(
            ObjectKey(
              GitRepositoryReconciler.repositories, namespace: repo.namespace,
              name: repo.name ?? ""))
        }
        for sync in syncsOfRepository {
          if Task.isCancelled { break }
          await reconcileIfDue(sync, fresh.map { [$0] } ?? [], items, touched, now)
        }
      }
    }
  }

  /// `kind/namespace/name` of an object, the key of `lastRun`.
  private static func id(_ object: Object, _ kind: String) -> String {
    "\(kind)/\(object.namespace ?? "")/\(object.name ?? "")"
  }

  /// Reconciles `sync` when it is due: its source has a new revision, its spec changed, a
  /// reconcile was requested, its interval elapsed, or someone touched what it manages.
  private func reconcileIfDue(
    _ sync: Object, _ repos: [Object], _ items: [Object], _ touched: Set<String>, _ now: Double
  ) async {
    guard let spec = try? SyncSpec(sync) else {
      _ = await syncs.reconcile(sync, repository: nil, mirror: nil)
      return
    }
    if spec.suspend { return }
    let id = Self.id(sync, "sync")
    let repo = repos.first {
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
    guard due else { return }
    if let blocked = dependencyNotReady(spec, sync, items) {
      _ = await syncs.finish(sync, spec, .waiting(blocked))
      return
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
