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

  /// Publishes to watchers the changes other processes committed to the file since this
  /// store last saw it (the daemon calls this periodically so that writes by `mooring`
  /// commands reach its controllers). Returns how many it found.
  @discardableResult
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

  public func refreshFromDisk() throws(StoreError) -> Int {
    do {
      // Under the writer lock, so publishing interleaves with no local commit.
      return try pool.writeWithoutTransaction { db in
        let foreign = try foreignChanges(db)
        guard let foreign else { return 0 }
        state.withLock {
          $0.revision = foreign.revision
          if let registry = foreign.registry { $0.registry = registry }
        }
        hub.publish(foreign.changes)
        return foreign.changes.count
      }
    } catch {
      throw .storage("\(error)")
    }
  }

  /// What other processes committed to the file after this one's last known revision:
  /// their changes in order, the file's revision, and the registry rebuilt from the
  /// stored CRDs when they changed any; nil when nothing. Called under the writer lock.
  func foreignChanges(_ db: Database) throws
    -> (changes: [CommittedChange], revision: Int64, registry: TypeRegistry?)?
  {
    let known = state.withLock { $0.revision }
    let current =
      try Int64.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'revision'") ?? known
    guard current > known else { return nil }
    let changes: [CommittedChange] = try Row.fetchAll(
      db,
      sql: """
        SELECT c.rv, c.type, c.grp, c.resource, \(ChangeBody.column("c")) FROM changes c
        WHERE c.rv > ? AND c.rv <= ? ORDER BY c.rv
        """,
      arguments: [known, current]
    ).compactMap { row in
      guard let kind = WatchEvent.Kind(rawValue: row[1]) else { return nil }
      return CommittedChange(
        kind: kind, resource: GroupResource(group: row[2], resource: row[3]),
        object: try StoredObject.decode(row[4]), old: nil, revision: row[0])
    }
    // Another process changed CRDs: rebuild the registry from the stored ones.
    let registry =
      changes.contains { $0.resource == BuiltinTypes.customResourceDefinitions }
      ? try Self.loadRegistry(db) : nil
    return (changes, current, registry)
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
  /// revision is used and no watcher sees anything. What `dryRun=All` answers.
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
        var foreign: (changes: [CommittedChange], revision: Int64, registry: TypeRegistry?)?
        try db.inTransaction(.immediate) {
          // The file's revision, not the cached one: another process (the CLI beside a
          // running daemon) may have written since; the immediate transaction holds the
          // file's write lock, so this read is authoritative. What it wrote comes first:
          // its kinds are known to this transaction, its changes published before ours.
          let revision =
            try Int64.fetchOne(
              db.cachedStatement(sql: "SELECT value FROM meta WHERE key = 'revision'")) ?? 0
          if revision > state.withLock({ $0.revision }) { foreign = try foreignChanges(db) }
          let registry = foreign?.registry ?? state.withLock { $0.registry }
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
        if let foreign {
          state.withLock { s in
            s.revision = foreign.revision
            if let registry = foreign.registry { s.registry = registry }
          }
          hub.publish(foreign.changes)
        }
        guard let tx else { return }
        state.withLock { s in
          s.revision = tx.revision
          if tx.registryChanged { s.registry = tx.registry }
          if tx.collectorNeeded && configuration.automaticGarbageCollection
            && !s.collectorScheduled
          {
            s.collectorScheduled = true
            scheduleCollector = true
          }
        }
        hub.publish(tx.changes)
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
