import Foundation
import GRDB
import Metrics
import Objects
import Synchronization

/// The embedded store: `ObjectStore` on one SQLite file (GRDB over the system SQLite),
/// in WAL mode with one writer and concurrent readers.
///
/// Every write transaction takes the next revisions, writes the objects, their label and
/// owner rows, the change log and the audit trail, and commits; the committed changes are
/// then published to watchers in commit order while the writer lock is still held.
/// Readers see consistent snapshots (WAL), so a list and its revision always agree.
public final class SQLiteStore: ObjectStore {
  /// How the store opens.
  public struct Configuration: Sendable {
    /// `synchronous=FULL`: a commit is on disk when the call returns (etcd's promise).
    /// Off: `synchronous=NORMAL`, which survives a process crash but not a power loss.
    public var durable = true
    /// Events a watcher may have pending before it is closed as too slow.
    public var watchCapacity = 10_000
    /// How often live watchers get a BOOKMARK.
    public var bookmarkInterval: Duration = .seconds(60)
    /// Run the garbage collector in the background after deletions that need it.
    public var automaticGarbageCollection = true
    /// Up to this many label rows matching a selector's label, a list starts from the
    /// labels index and sorts the matches; beyond, it walks the kind in key order.
    public var labelDrivenListLimit = 5_000
    /// The writer connection's page cache, in KiB. It fills up to this during a large
    /// transaction (a first sync of 10,000 objects touches ~60 MB of pages). 16 MiB keeps
    /// the daemon's peak memory down; 64 MiB was no faster for batches of 1,000 creates
    /// in the store benchmark (5,384/s then, 5,605/s with 16 MiB).
    public var pageCacheKiB = 16_384
    /// Seconds since 1970, for timestamps (tests may fix it).
    public var clock: @Sendable () -> Double = { Date().timeIntervalSince1970 }

    public init() {}
  }

  private struct State {
    var registry: TypeRegistry
    var revision: Int64
    var collectorScheduled = false
  }

  /// The database file.
  public let path: String
  let pool: DatabasePool
  let configuration: Configuration
  private let state: Mutex<State>
  let hub: WatchHub
  /// Connections of their own for synchronous reads on threads that cannot suspend.
  let threadReaders: ThreadReaders

  /// Opens (creating if needed) the store at `path`, with the built-in kinds and every
  /// stored CRD's kinds registered.
  public init(path: String, configuration: Configuration = Configuration()) throws(StoreError) {
    self.path = path
    self.configuration = configuration
    threadReaders = ThreadReaders(path: path)
    var config = GRDB.Configuration()
    let durable = configuration.durable
    config.busyMode = .timeout(10)
    do {
      pool = try DatabasePool(path: path, configuration: config)
      // After the pool's own WAL setup, which sets synchronous=NORMAL on the writer.
      try pool.writeWithoutTransaction { db in
        try db.execute(sql: durable ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL")
        // A larger page cache and fewer checkpoints: a batch touches thousands of pages.
        try db.execute(sql: "PRAGMA cache_size = -\(configuration.pageCacheKiB)")
        try db.execute(sql: "PRAGMA wal_autocheckpoint = 10000")
      }
      let (revision, registry) = try pool.write { db in
        try StoreSchema.create(db)
        let revision = try Int64.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'revision'")
        return (revision ?? 0, try Self.loadRegistry(db))
      }
      state = Mutex(State(registry: registry, revision: revision))
      hub = WatchHub(revision: revision, capacity: configuration.watchCapacity)
    } catch let e as StoreError {
      throw e
    } catch {
      throw .storage("cannot open \(path): \(error)")
    }
  }

  deinit { hub.closeAll() }

  public var registry: TypeRegistry { state.withLock { $0.registry } }

  public func currentRevision() async throws(StoreError) -> Int64 {
    latestRevision
  }

  /// The revision of the last committed write this store knows of.
  public var latestRevision: Int64 { state.withLock { $0.revision } }

  /// The oldest revision a watch or a continued list can start from.
  public func compactedRevision() throws(StoreError) -> Int64 {
    try read { db in
      try Int64.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'compacted'") ?? 0
    }
  }

  /// Number of open watchers.
  public var watcherCount: Int { hub.count }

  /// The built-in kinds plus the kinds of every stored CRD.
  static func loadRegistry(_ db: Database) throws -> TypeRegistry {
    var registry = BuiltinTypes.registry
    let rows = try Data.fetchAll(
      db, sql: "SELECT data FROM objects WHERE grp = ? AND resource = ?",
      arguments: [
        BuiltinTypes.customResourceDefinitions.group,
        BuiltinTypes.customResourceDefinitions.resource,
      ])
    for data in rows {
      if let t = try? ResourceType(customResourceDefinition: StoredObject.decode(data)) {
        registry.register(t)
      }
    }
    return registry
  }

  /// Publishes to watchers the changes other processes committed to the file since this
  /// store last saw it (the daemon calls this periodically so that writes by `mooring`
  /// commands reach its controllers; every write does it first too). Returns how many it
  /// found.
  @discardableResult
  public func refreshFromDisk() throws(StoreError) -> Int {
    // Under the writer lock, so publishing interleaves with no local commit.
    pool.writeWithoutTransaction { db in catchUpInOneSnapshot(db) }
  }

  /// `catchUpWithOtherWriters` outside a write transaction: in a read transaction, so its
  /// reads (revision, compaction floor, changes) see one state of the file, and without
  /// taking the file's write lock.
  @discardableResult
  private func catchUpInOneSnapshot(_ db: Database) -> Int {
    var published = 0
    do {
      try db.inTransaction(.deferred) {
        published = catchUpWithOtherWriters(db)
        return .commit
      }
    } catch {
      // BEGIN or COMMIT failed: the write's own transaction reads the file again.
    }
    return published
  }

  /// What other processes committed: their changes in revision order, the file's revision,
  /// and the registry rebuilt from the stored CRDs when they changed any.
  typealias ForeignChanges = (changes: [CommittedChange], revision: Int64, registry: TypeRegistry?)

  /// What other processes committed to the file after this one's last known revision;
  /// nil when nothing. A MODIFIED change carries the object's previous state, so watchers
  /// with selectors see objects move in and out. Called under the writer lock.
  func foreignChanges(_ db: Database) throws -> ForeignChanges? {
    let known = state.withLock { $0.revision }
    let current =
      try Int64.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'revision'") ?? known
    guard current > known else { return nil }
    // Another process compacted past what this one has seen: the changes in between are
    // not all in the log any more.
    let compacted =
      try Int64.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'compacted'") ?? 0
    if compacted > known { throw StoreError.expired(requested: known, oldest: compacted) }
    var changes: [CommittedChange] = []
    for row in try Row.fetchAll(
      db,
      sql: """
        SELECT c.rv, c.type, c.grp, c.resource, c.obj, \(ChangeBody.column("c"))
        FROM changes c WHERE c.rv > ? AND c.rv <= ? ORDER BY c.rv
        """,
      arguments: [known, current])
    {
      guard let kind = WatchEvent.Kind(rawValue: row[1]) else { continue }
      let rv: Int64 = row[0]
      let resource = GroupResource(group: row[2], resource: row[3])
      var old: Object?
      if kind == .modified, let data = try ChangeBody.before(rv, obj: row[4], in: db) {
        old = try StoredObject.decode(data)
      }
      changes.append(
        CommittedChange(
          kind: kind, resource: resource, object: try StoredObject.decode(row[5]), old: old,
          revision: rv))
    }
    // Another process changed CRDs: rebuild the registry from the stored ones.
    let registry =
      changes.contains { $0.resource == BuiltinTypes.customResourceDefinitions }
      ? try Self.loadRegistry(db) : nil
    return (changes, current, registry)
  }

  /// Makes `foreign` this store's state and publishes its changes. Called under the
  /// writer lock.
  private func take(_ foreign: ForeignChanges) {
    state.withLock {
      $0.revision = foreign.revision
      if let registry = foreign.registry { $0.registry = registry }
    }
    hub.publish(foreign.changes)
  }

  /// Catches up with other processes' commits, under the writer lock; returns how many
  /// changes it published. When they cannot all be read (another process compacted past
  /// them, or wrote a body only a newer mooring reads), this process must still go on
  /// writing: the revision moves past them, the registry is read again, and every watcher
  /// is closed as expired, to list again.
  @discardableResult
  func catchUpWithOtherWriters(_ db: Database) -> Int {
    do {
      guard let foreign = try foreignChanges(db) else { return 0 }
      take(foreign)
      return foreign.changes.count
    } catch {
      let current = try? Int64.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'revision'")
      let registry = try? Self.loadRegistry(db)
      state.withLock { s in
        if let current { s.revision = max(s.revision, current) }
        if let registry { s.registry = registry }
      }
      hub.closeAll(expiredAt: current ?? 0)
      return 0
    }
  }

  // MARK: - Reads

  public func get(_ key: ObjectKey) async throws(StoreError) -> Object {
    try StoredObject.decode(try await storedJSON(key))
  }

  /// The object as stored: its compact JSON, not decoded (for answers that would only
  /// encode it again).
  public func storedJSON(_ key: ObjectKey) async throws(StoreError) -> Data {
    try readStoredJSON(key)
  }

  /// `storedJSON` on the calling thread: one indexed read from the thread's own connection
  /// (`ThreadReaders`; the reader pool when it has none), for callers that cannot suspend
  /// (the API's event-loop GET path).
  public func readStoredJSON(_ key: ObjectKey) throws(StoreError) -> Data {
    let registry = self.registry
    guard registry.type(for: key.resource) != nil else { throw .unknownResource(key.resource) }
    let namespace = StoredObject.namespaceColumn(key)
    switch threadReaders.read(
      group: key.resource.group, resource: key.resource.resource, namespace: namespace,
      name: key.name)
    {
    case .found(let data): return data
    case .missing: throw .notFound(key)
    case .unavailable: break
    }
    let data = try readOneStatement { db in
      try Data.fetchOne(
        db.cachedStatement(
          sql:
            "SELECT data FROM objects WHERE grp = ? AND resource = ? AND namespace = ? AND name = ?"
        ),
        arguments: [
          key.resource.group, key.resource.resource, StoredObject.namespaceColumn(key), key.name,
        ])
    }
    guard let data else { throw .notFound(key) }
    return data
  }

  public func list(_ resource: GroupResource, _ options: ListOptions) async throws(StoreError)
    -> ObjectList
  {
    let query = try listQuery(resource, options)
    return try read { db in try query(db).run() }
  }

  /// A page of a list as stored: each item's compact JSON, not decoded (for answers that
  /// would only encode the objects again). Same snapshot and token rules as `list`.
  public func listStoredJSON(_ resource: GroupResource, _ options: ListOptions)
    async throws(StoreError) -> StoredObjectList
  {
    let query = try listQuery(resource, options)
    return try read { db in try query(db).runStored() }
  }

  private func listQuery(_ resource: GroupResource, _ options: ListOptions) throws(StoreError)
    -> (Database) -> ListQuery
  {
    guard let type = registry.type(for: resource) else { throw .unknownResource(resource) }
    let filter = try WatchFilter(type, options)
    let token = try options.continueToken.map { (t: String) throws(StoreError) in
      try ContinueToken(decoding: t)
    }
    let limit = options.limit
    let labelDrivenLimit = configuration.labelDrivenListLimit
    return { db in
      ListQuery(
        db: db, filter: filter, limit: limit, token: token, labelDrivenLimit: labelDrivenLimit)
    }
  }

  // MARK: - Writes

  public func create(_ object: Object, context: WriteContext) async throws(StoreError) -> Object {
    try write(context) { (tx) throws(StoreError) in try tx.create(object) }
  }

  public func update(_ object: Object, context: WriteContext) async throws(StoreError) -> Object {
    try write(context) { (tx) throws(StoreError) in try tx.update(object) }
  }

  public func updateStatus(_ object: Object, context: WriteContext) async throws(StoreError)
    -> Object
  {
    try write(context) { (tx) throws(StoreError) in try tx.updateStatus(object) }
  }

  public func delete(_ key: ObjectKey, options: DeleteOptions, context: WriteContext)
    async throws(StoreError) -> Object?
  {
    try write(context) { (tx) throws(StoreError) in try tx.delete(key, options: options) }
  }

  public func transaction(
    context: WriteContext, _ body: (inout any StoreTransaction) throws(StoreError) -> Void
  ) async throws(StoreError) -> Int64 {
    try write(context) { (tx) throws(StoreError) in
      var any: any StoreTransaction = tx
      try body(&any)
      guard let back = any as? SQLiteTransaction else {
        throw .storage("a transaction body replaced its transaction")
      }
      tx = back
      return tx.revision
    }
  }

  /// Runs `body` as a write transaction that is always rolled back: every check a real
  /// write makes (names, conflicts, namespaces, validation) runs, nothing persists, no
  /// revision is used and no watcher sees anything of it (changes other processes
  /// committed before it are published, as before any write). What `dryRun=All` answers.
  public func dryRun<T>(
    context: WriteContext, _ body: (inout any StoreTransaction) throws(StoreError) -> T
  ) throws(StoreError) -> T {
    try write(context, commit: false) { (tx) throws(StoreError) in
      var any: any StoreTransaction = tx
      return try body(&any)
    }
  }

  /// Runs `body` in one write transaction and publishes what it changed (or, with
  /// `commit` false, rolls it back and publishes nothing).
  ///
  /// Blocks the calling thread while another write holds SQLite's single writer lock;
  /// writes are short (one transaction), and publishing under that lock is what keeps
  /// watch events in commit order.
  func write<T>(
    _ context: WriteContext, commit: Bool = true,
    _ body: (inout SQLiteTransaction) throws(StoreError) -> T
  ) throws(StoreError) -> T {
    var failure: StoreError?
    var result: T?
    var scheduleCollector = false
    let started = ContinuousClock.now
    defer {
      if commit {
        let elapsed = ContinuousClock.now - started
        Metrics.Timer(label: "mooring_store_write_duration_seconds").recordNanoseconds(
          elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds
            / 1_000_000_000)
      }
    }
    do {
      try pool.writeWithoutTransaction { db in
        var tx: SQLiteTransaction?
        // What other processes (the CLI beside a running daemon) committed comes first:
        // its kinds are known to this transaction, its changes published before ours.
        // Mostly read here, before the file's write lock is taken.
        catchUpInOneSnapshot(db)
        try db.inTransaction(.immediate) {
          // The file's revision, not the cached one: the immediate transaction holds the
          // file's write lock, so this read is authoritative (and catches a commit made
          // since the read above).
          let revision =
            try Int64.fetchOne(
              db.cachedStatement(sql: "SELECT value FROM meta WHERE key = 'revision'")) ?? 0
          if revision > state.withLock({ $0.revision }) { catchUpWithOtherWriters(db) }
          let registry = state.withLock { $0.registry }
          var t = SQLiteTransaction(
            db: db, registry: registry, revision: revision, context: context,
            now: configuration.clock())
          do {
            result = try body(&t)
          } catch {
            failure = (error as? StoreError) ?? .storage("\(error)")
            return .rollback
          }
          if !commit { return .rollback }
          if t.revision != revision {
            try db.cachedStatement(sql: "UPDATE meta SET value = ? WHERE key = 'revision'")
              .execute(arguments: [t.revision])
          }
          tx = t
          return .commit
        }
        // Taken out, so that this closure holds the only copy of its changes.
        guard var done = tx.take() else { return }
        state.withLock { s in
          s.revision = done.revision
          if done.registryChanged { s.registry = done.registry }
          if done.collectorNeeded && configuration.automaticGarbageCollection
            && !s.collectorScheduled
          {
            s.collectorScheduled = true
            scheduleCollector = true
          }
        }
        hub.publish(done.changes)
        if done.changes.count >= 256 { DeferredRelease.release(done.takeChanges()) }
      }
    } catch {
      throw .storage("\(error)")
    }
    if let failure { throw failure }
    if scheduleCollector {
      Task { [self] in
        state.withLock { $0.collectorScheduled = false }
        _ = try? collectGarbage()
      }
    }
    guard let result else { throw .storage("the transaction produced no result") }
    return result
  }

  /// Runs `body` on a consistent read snapshot.
  func read<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
    try StoreError.mapping { try pool.read(body) }
  }

  /// `read` for a body that runs one SELECT: SQLite reads a statement from one snapshot,
  /// so the BEGIN and COMMIT around it (a third of a GET's read) are left out.
  func readOneStatement<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
    try StoreError.mapping { try pool.unsafeRead(body) }
  }
}
