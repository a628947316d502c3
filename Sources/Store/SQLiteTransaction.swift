import Foundation
import GRDB
import Objects

/// The writes of one SQLite transaction, with kube-apiserver's rules: server-set metadata,
/// optimistic concurrency, generation, the status subresource, finalizers, namespaces and
/// CRD registration. Every change gets the next revision; the change log, audit trail,
/// label and owner rows are written beside the object.
struct SQLiteTransaction: StoreTransaction {
  // Paths the write rules touch on every write, parsed once.
  private static let gracePeriodPath = PreparedCreate.gracePeriodPath
  private static let ownersPath: ValuePath = "metadata.ownerReferences"
  private static let phasePath: ValuePath = "status.phase"

  let db: Database
  var registry: TypeRegistry { didSet { registryEdits += 1 } }
  /// Counts changes to `registry` (what a batch's preparation was made with).
  private var registryEdits = 0
  /// The last revision assigned.
  var revision: Int64
  let context: WriteContext
  let now: Double
  private(set) var changes: [CommittedChange] = []
  private(set) var registryChanged = false
  /// Set when a change leaves work for the garbage collector.
  private(set) var collectorNeeded = false
  /// Namespaces found active by an earlier write of this transaction (a Sync creating
  /// 10,000 objects read and decoded their Namespace 10,000 times); any write to one of
  /// them drops it from here.
  private var activeNamespaces: Set<String> = []
  /// `writers.id` of `context`, once looked up.
  private var writer: Int64?

  init(db: Database, registry: TypeRegistry, revision: Int64, context: WriteContext, now: Double) {
    self.db = db
    self.registry = registry
    self.revision = revision
    self.context = context
    self.now = now
  }

  /// Moves the committed changes out (what `DeferredRelease` frees off the writer).
  mutating func takeChanges() -> [CommittedChange] {
    var taken: [CommittedChange] = []
    swap(&taken, &changes)
    return taken
  }

  // MARK: - StoreTransaction

  func get(_ key: ObjectKey) throws(StoreError) -> Object {
    guard registry.type(for: key.resource) != nil else { throw .unknownResource(key.resource) }
    guard let object = try load(key) else { throw .notFound(key) }
    return object
  }

  mutating func create(_ input: Object) throws(StoreError) -> Object {
    try create(PreparedCreate.prepare(input, registry: registry, revision: revision + 1, now: now))
  }

  /// Creates `objects` in order, preparing them on another core while the rows of the
  /// ones before are inserted (`CreatePipeline`) when there are enough to pay for it.
  /// A CRD changes the kinds the rest are prepared with: preparation starts over after it.
  mutating func create(contentsOf objects: [Object]) throws(StoreError) -> [Object] {
    var created: [Object] = []
    created.reserveCapacity(objects.count)
    var pipeline: CreatePipeline?
    var start = 0
    var base = revision
    var edits = registryEdits
    defer { pipeline?.cancel() }
    for (i, input) in objects.enumerated() {
      if i == 0 || registryEdits != edits {
        pipeline?.cancel()
        pipeline =
          objects.count - i >= Self.pipelineMinimum
          ? CreatePipeline(Array(objects[i...]), registry: registry, base: revision, now: now)
          : nil
        (start, base, edits) = (i, revision, registryEdits)
      }
      var outcome = pipeline?.next()
      // Prepared for a revision this transaction has moved past: prepared again, here.
      if outcome == nil || revision != base + Int64(i - start) {
        outcome = PreparedCreate.prepare(
          input, registry: registry, revision: revision + 1, now: now)
      }
      created.append(try create(outcome!))
    }
    return created
  }

  /// Below this many objects `create(contentsOf:)` prepares them on the writer's thread.
  static let pipelineMinimum = 32

  /// The rest of a create once prepared: what needs the file.
  private mutating func create(_ outcome: PreparedCreate.Outcome) throws(StoreError) -> Object {
    switch outcome {
    case .failed(let error):
      throw error
    case .ready(let prepared):
      try requireActiveNamespace(prepared.namespaced, prepared.object)
      // Its callers prepare it for the next revision (create(contentsOf:) prepares again
      // what was prepared for another); a row must never carry a revision it was not given.
      guard prepared.revision == revision + 1 else {
        throw .storage(
          "a create prepared for revision \(prepared.revision) reached revision \(revision + 1)")
      }
      // A name already taken fails the insert: AlreadyExists, without a query first.
      try putRows(
        prepared.key, prepared.object, data: prepared.data, labels: prepared.labels, old: nil,
        verb: "create")
      return prepared.object
    case .needsStore(let type, var object):
      try requireActiveNamespace(type.namespaced, object)
      if (object.name ?? "").isEmpty {
        object.name = try generateName(type, object)
        BuiltinDefaults.apply(to: &object, type: type)
      }
      let key = key(type, object)
      if try exists(key) { throw .alreadyExists(key) }
      var extra: ResourceType?
      if type.groupResource == BuiltinTypes.customResourceDefinitions {
        extra = try crdType(object, replacing: nil)
      }
      PreparedCreate.stamp(&object, type, now: now)
      if let extra {
        registry.register(extra)
        registryChanged = true
      }
      return try write(key, object, old: nil, verb: "create")
    }
  }

  /// A namespaced object's Namespace must exist and not be terminating (found once per
  /// transaction until it is written again).
  private mutating func requireActiveNamespace(_ namespaced: Bool, _ object: Object)
    throws(StoreError)
  {
    guard namespaced, let namespace = object.namespace,
      !activeNamespaces.contains(namespace)
    else { return }
    try requireNamespace(namespace)
    activeNamespaces.insert(namespace)
  }

  mutating func update(_ input: Object) throws(StoreError) -> Object {
    let type = try type(of: input)
    let key = key(type, input)
    guard let old = try load(key) else { throw .notFound(key) }
    try checkPreconditions(key, input, old)
    var object = input
    if !type.namespaced { object.namespace = nil }
    BuiltinDefaults.apply(to: &object, type: type)
    let errors = object.validateBasics(validateName: type.nameValidator)
    guard errors.isEmpty else { throw .invalid(key, errors) }
    object.uid = old.uid
    object.creationTimestamp = old.creationTimestamp
    object.deletionTimestamp = old.deletionTimestamp
    object.value[path: Self.gracePeriodPath] =
      old.value[path: Self.gracePeriodPath]
    if type.hasStatusSubresource { object.status = old.status }
    if old.deletionTimestamp != nil {
      let added = Set(object.finalizers).subtracting(old.finalizers)
      if !added.isEmpty {
        throw .invalid(
          key,
          [
            .forbidden(
              "metadata.finalizers",
              "no new finalizers can be added if the object is being deleted, found new finalizers \(added.sorted())"
            )
          ])
      }
    }
    object.generation =
      Self.specChanged(old, object) ? (old.generation ?? 0) + 1 : (old.generation ?? 1)
    object.resourceVersion = old.resourceVersion
    if object == old { return old }
    if type.groupResource == BuiltinTypes.customResourceDefinitions {
      let t = try crdType(object, replacing: old)
      registry.register(t)
      registryChanged = true
    }
    if old.deletionTimestamp != nil, object.finalizers.isEmpty {
      return try remove(type, key, object, stored: old, verb: "update")
    }
    return try write(key, object, old: old, verb: "update")
  }

  mutating func updateStatus(_ input: Object) throws(StoreError) -> Object {
    let type = try type(of: input)
    let key = key(type, input)
    guard let old = try load(key) else { throw .notFound(key) }
    try checkPreconditions(key, input, old)
    var object = old
    object.status = input.status
    if object == old { return old }
    return try write(key, object, old: old, verb: "update/status")
  }

  mutating func delete(_ key: ObjectKey, options: DeleteOptions) throws(StoreError) -> Object? {
    guard let type = registry.type(for: key.resource) else {
      throw .unknownResource(key.resource)
    }
    guard let old = try load(key) else { throw .notFound(key) }
    if let rv = options.preconditionResourceVersion, rv != old.resourceVersion {
      throw .conflict(
        key,
        "Precondition failed: ResourceVersion in precondition: \(rv), ResourceVersion in object meta: \(old.resourceVersion ?? "")"
      )
    }
    var object = old
    var finalizers = old.finalizers
    switch options.propagation {
    case .foreground where !finalizers.contains(Self.foregroundFinalizer):
      if try hasDependents(old) { finalizers.append(Self.foregroundFinalizer) }
    case .orphan where !finalizers.contains(Self.orphanFinalizer):
      if try hasDependents(old) { finalizers.append(Self.orphanFinalizer) }
    default: break
    }
    let terminating =
      type.groupResource == BuiltinTypes.namespaces
      || type.groupResource == BuiltinTypes.customResourceDefinitions
    if finalizers.isEmpty && !terminating {
      try remove(type, key, old, stored: old, verb: "delete")
      return nil
    }
    if old.deletionTimestamp != nil && finalizers == old.finalizers { return old }
    object.finalizers = finalizers
    if object.deletionTimestamp == nil {
      object.deletionTimestamp = StoredObject.timestamp(now)
      object.value[path: Self.gracePeriodPath] = 0
    }
    if type.groupResource == BuiltinTypes.namespaces {
      object.value[path: Self.phasePath] = "Terminating"
    }
    collectorNeeded = true
    return try write(key, object, old: old, verb: "delete")
  }

  // MARK: - Used by the garbage collector

  /// Keys of every object of `resource` (in `namespace` when given).
  func keys(of resource: GroupResource, namespace: String? = nil) throws(StoreError) -> [ObjectKey]
  {
    try sql {
      var sql = "SELECT namespace, name FROM objects WHERE grp = ? AND resource = ?"
      var args: StatementArguments = [resource.group, resource.resource]
      if let namespace {
        sql += " AND namespace = ?"
        _ = args.append(contentsOf: [namespace])
      }
      return try Row.fetchAll(db, sql: sql, arguments: args).map { row in
        let ns: String = row[0]
        return ObjectKey(resource, namespace: ns.isEmpty ? nil : ns, name: row[1])
      }
    }
  }

  /// Keys of every object in `namespace`, of any kind stored, registered or not (another
  /// process may have registered it since this one read its CRDs): each kind present is
  /// found by one seek along `objects_key`, then its range in the namespace is read. An
  /// index by namespace, for this rare question, cost every create 8%.
  func keys(inNamespace namespace: String) throws(StoreError) -> [ObjectKey] {
    try sql {
      let first = try db.cachedStatement(
        sql: "SELECT grp, resource FROM objects ORDER BY grp, resource LIMIT 1")
      let nextInGroup = try db.cachedStatement(
        sql: """
          SELECT grp, resource FROM objects WHERE grp = ? AND resource > ?
          ORDER BY grp, resource LIMIT 1
          """)
      let nextGroup = try db.cachedStatement(
        sql: "SELECT grp, resource FROM objects WHERE grp > ? ORDER BY grp, resource LIMIT 1")
      let names = try db.cachedStatement(
        sql: "SELECT name FROM objects WHERE grp = ? AND resource = ? AND namespace = ?")
      var keys: [ObjectKey] = []
      var kind = try Row.fetchOne(first)
      while let row = kind {
        let resource = GroupResource(group: row[0], resource: row[1])
        for name in try String.fetchAll(
          names, arguments: [resource.group, resource.resource, namespace])
        {
          keys.append(ObjectKey(resource, namespace: namespace, name: name))
        }
        kind =
          try Row.fetchOne(nextInGroup, arguments: [resource.group, resource.resource])
          ?? Row.fetchOne(nextGroup, arguments: [resource.group])
      }
      return keys
    }
  }

  /// Objects whose deletion has begun.
  func deleting() throws(StoreError) -> [(ObjectKey, Object)] {
    try sql {
      try Row.fetchAll(
        db, sql: "SELECT grp, resource, namespace, name, data FROM objects WHERE deleting = 1"
      ).map { row in
        let ns: String = row[2]
        let key = ObjectKey(
          GroupResource(group: row[0], resource: row[1]), namespace: ns.isEmpty ? nil : ns,
          name: row[3])
        return (key, try StoredObject.decode(row[4]))
      }
    }
  }

  /// Keys of the objects that name `uid` as an owner.
  func dependents(of uid: String) throws(StoreError) -> [ObjectKey] {
    try sql {
      try Row.fetchAll(
        db, sql: "SELECT grp, resource, namespace, name FROM owners WHERE owner_uid = ?",
        arguments: [uid]
      ).map(Self.key)
    }
  }

  /// Owner references whose owner no longer exists: (owner uid, dependent).
  func danglingOwnerReferences() throws(StoreError) -> [(String, ObjectKey)] {
    try sql {
      try Row.fetchAll(
        db,
        sql: """
          SELECT o.owner_uid, o.grp, o.resource, o.namespace, o.name FROM owners o
          WHERE NOT EXISTS (SELECT 1 FROM objects x WHERE x.uid = o.owner_uid)
          """
      ).map { row in
        let ns: String = row[3]
        return (
          row[0],
          ObjectKey(
            GroupResource(group: row[1], resource: row[2]), namespace: ns.isEmpty ? nil : ns,
            name: row[4])
        )
      }
    }
  }

  /// Whether an object with `uid` exists.
  func exists(uid: String) throws(StoreError) -> Bool {
    try sql {
      try Bool.fetchOne(db, sql: "SELECT 1 FROM objects WHERE uid = ?", arguments: [uid]) ?? false
    }
  }

  /// Removes an object for good, whatever its finalizers (the last step of a deletion).
  mutating func purge(_ key: ObjectKey) throws(StoreError) {
    guard let type = registry.type(for: key.resource), let old = try load(key) else { return }
    if type.groupResource == BuiltinTypes.customResourceDefinitions,
      let t = try? ResourceType(customResourceDefinition: old)
    {
      registry.remove(t.groupResource)
      if let builtin = BuiltinTypes.all.first(where: { $0.groupResource == t.groupResource }) {
        registry.register(builtin)
      }
      registryChanged = true
    }
    try remove(type, key, old, stored: old, verb: "delete")
  }

  // MARK: - Rows

  static let foregroundFinalizer = "foregroundDeletion"
  static let orphanFinalizer = "orphan"

  func load(_ key: ObjectKey) throws(StoreError) -> Object? {
    let data: Data? = try sql {
      try Data.fetchOne(
        db.cachedStatement(
          sql:
            "SELECT data FROM objects WHERE grp = ? AND resource = ? AND namespace = ? AND name = ?"
        ),
        arguments: [
          key.resource.group, key.resource.resource, StoredObject.namespaceColumn(key), key.name,
        ])
    }
    return try data.map { (d: Data) throws(StoreError) in try StoredObject.decode(d) }
  }

  private func exists(_ key: ObjectKey) throws(StoreError) -> Bool {
    try sql {
      // Bound through the C API: every create asks this (GRDB's arguments were a tenth of
      // a batched create's own time).
      let query = BoundStatement(
        try db.cachedStatement(
          sql:
            "SELECT 1 FROM objects WHERE grp = ? AND resource = ? AND namespace = ? AND name = ?"),
        in: db)
      query.bind(1, key.resource.group)
      query.bind(2, key.resource.resource)
      query.bind(3, StoredObject.namespaceColumn(key))
      query.bind(4, key.name)
      return try query.run() != nil
    }
  }

  private func hasDependents(_ object: Object) throws(StoreError) -> Bool {
    guard let uid = object.uid else { return false }
    return try sql {
      try Bool.fetchOne(
        db.cachedStatement(sql: "SELECT 1 FROM owners WHERE owner_uid = ? LIMIT 1"),
        arguments: [uid]) ?? false
    }
  }

  /// Writes `object` as the new state of `key` with the next revision.
  private mutating func write(_ key: ObjectKey, _ input: Object, old: Object?, verb: String)
    throws(StoreError) -> Object
  {
    var object = input
    object.resourceVersion = String(revision + 1)
    try putRows(
      key, object, data: StoredObject.encode(object), labels: Self.labelRows(object), old: old,
      verb: verb)
    return object
  }

  /// Writes the rows of `object` (`data` and `labels` are its row and label rows), which
  /// carries the next revision: a new object's (`old` nil) are inserted, and its name
  /// taken already is AlreadyExists; otherwise they replace `old`'s.
  private mutating func putRows(
    _ key: ObjectKey, _ object: Object, data: Data, labels: [(String, String)], old: Object?,
    verb: String
  ) throws(StoreError) {
    let next = revision + 1
    let ns = StoredObject.namespaceColumn(key)
    let g = key.resource.group
    let r = key.resource.resource
    let statement: Statement
    do {
      statement = try db.cachedStatement(
        sql: old == nil
          ? """
          INSERT INTO objects (grp, resource, namespace, name, uid, rv, deleting, data)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?)
          """
          : """
          UPDATE objects SET uid = ?5, rv = ?6, deleting = ?7, data = ?8
          WHERE grp = ?1 AND resource = ?2 AND namespace = ?3 AND name = ?4 RETURNING id
          """)
    } catch {
      throw .storage("\(error)")
    }
    let upsert = BoundStatement(statement, in: db)
    upsert.bind(1, g)
    upsert.bind(2, r)
    upsert.bind(3, ns)
    upsert.bind(4, key.name)
    upsert.bind(5, object.uid ?? "")
    upsert.bind(6, next)
    upsert.bind(7, object.deletionTimestamp != nil)
    upsert.bind(8, data)
    let id: Int64?
    do {
      id = old == nil ? try upsert.runInsert() : try upsert.run()
    } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
      throw .alreadyExists(key)
    } catch {
      throw .storage("\(error)")
    }
    guard let id else { throw .notFound(key) }
    revision = next
    try sql {
      if old == nil
        || old?.value[path: WatchFilter.labelsPath] != object.value[path: WatchFilter.labelsPath]
      {
        if let old {
          try forEachLabelRow(
            Self.labelRows(old), id: id,
            "DELETE FROM labels WHERE key = ? AND value = ? AND obj = ?")
        }
        // OR IGNORE: an identical row is already the state wanted.
        try forEachLabelRow(
          labels, id: id, "INSERT OR IGNORE INTO labels (key, value, obj) VALUES (?, ?, ?)")
      }
      if old == nil || old?.value[path: Self.ownersPath] != object.value[path: Self.ownersPath] {
        if old != nil { try deleteRows("owners", g, r, ns, key.name) }
        let insert = try db.cachedStatement(
          sql:
            "INSERT OR IGNORE INTO owners (owner_uid, grp, resource, namespace, name) VALUES (?, ?, ?, ?, ?)"
        )
        for ref in object.ownerReferences {
          try insert.execute(arguments: [ref.uid, g, r, ns, key.name])
        }
      }
      // The object's row holds this body until it changes again (ChangeBody's triggers).
      try record(old == nil ? .added : .modified, key, object, Data(), obj: id, verb: verb)
    }
    if key.resource == BuiltinTypes.namespaces { activeNamespaces.remove(key.name) }
    changes.append(
      CommittedChange(
        kind: old == nil ? .added : .modified, resource: key.resource, object: object, old: old,
        revision: revision))
  }

  /// Deletes `key`'s rows with the next revision; the DELETED event carries `last`.
  /// `stored` is the object as its rows hold it (its labels name its label rows).
  @discardableResult
  private mutating func remove(
    _ type: ResourceType, _ key: ObjectKey, _ last: Object, stored: Object, verb: String
  ) throws(StoreError) -> Object {
    revision += 1
    var object = last
    object.resourceVersion = String(revision)
    let ns = StoredObject.namespaceColumn(key)
    let g = key.resource.group
    let r = key.resource.resource
    try sql {
      let id = try Int64.fetchOne(
        db.cachedStatement(
          sql: """
            DELETE FROM objects WHERE grp = ? AND resource = ? AND namespace = ? AND name = ?
            RETURNING id
            """),
        arguments: [g, r, ns, key.name])
      if let id {
        try forEachLabelRow(
          Self.labelRows(stored), id: id,
          "DELETE FROM labels WHERE key = ? AND value = ? AND obj = ?")
      }
      try deleteRows("owners", g, r, ns, key.name)
      try record(.deleted, key, object, StoredObject.encode(object), obj: id ?? 0, verb: verb)
    }
    if try hasDependents(last) { collectorNeeded = true }
    if type.groupResource == BuiltinTypes.customResourceDefinitions,
      let t = try? ResourceType(customResourceDefinition: last),
      registry.type(for: t.groupResource) != nil
    {
      registry.remove(t.groupResource)
      if let builtin = BuiltinTypes.all.first(where: { $0.groupResource == t.groupResource }) {
        registry.register(builtin)
      }
      registryChanged = true
    }
    if key.resource == BuiltinTypes.namespaces { activeNamespaces.remove(key.name) }
    changes.append(
      CommittedChange(
        kind: .deleted, resource: key.resource, object: object, old: last, revision: revision))
    return object
  }

  /// The label rows of `object`: its labels with string values.
  static func labelRows(_ object: Object) -> [(String, String)] {
    (object.value[path: WatchFilter.labelsPath]?.mapValue ?? ValueMap()).compactMap { k, v in
      guard case .string(let s) = v else { return nil }
      return (k, s)
    }
  }

  /// Runs `sql` (key, value, object row id) once for each of `rows` of object row `id`:
  /// writes insert them, and delete them by the labels the object was stored with (the
  /// table is keyed by label, for selectors, not by object).
  private func forEachLabelRow(_ rows: [(String, String)], id: Int64, _ sql: String) throws {
    let statement = BoundStatement(try db.cachedStatement(sql: sql), in: db)
    for (k, v) in rows {
      statement.bind(1, k)
      statement.bind(2, v)
      statement.bind(3, id)
      try statement.run()
    }
  }

  private func deleteRows(_ table: String, _ g: String, _ r: String, _ ns: String, _ name: String)
    throws
  {
    try db.cachedStatement(
      sql: "DELETE FROM \(table) WHERE grp = ? AND resource = ? AND namespace = ? AND name = ?"
    ).execute(arguments: [g, r, ns, name])
  }

  /// Appends the change at `revision` to the change log, which is the audit trail too:
  /// who (the transaction's writer), the verb, the object's uid; `obj` is the object's
  /// row id.
  private mutating func record(
    _ kind: WatchEvent.Kind, _ key: ObjectKey, _ object: Object, _ data: Data, obj: Int64,
    verb: String
  ) throws {
    let writer = try writerID()
    let change = BoundStatement(
      try db.cachedStatement(
        sql: """
          INSERT INTO changes (
            rv, type, grp, resource, namespace, name, data, time, writer, verb, uid, obj)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
          """), in: db)
    change.bind(1, revision)
    change.bind(2, kind.rawValue)
    change.bind(3, key.resource.group)
    change.bind(4, key.resource.resource)
    change.bind(5, StoredObject.namespaceColumn(key))
    change.bind(6, key.name)
    change.bind(7, data)
    change.bind(8, now)
    change.bind(9, writer)
    change.bind(10, verb)
    change.bind(11, object.uid ?? "")
    change.bind(12, obj)
    try change.run()
  }

  /// The `writers` row of this transaction's actor and source, added on its first write.
  private mutating func writerID() throws -> Int64 {
    if let writer { return writer }
    let found = try Int64.fetchOne(
      db.cachedStatement(sql: "SELECT id FROM writers WHERE actor = ? AND source = ?"),
      arguments: [context.actor, context.source])
    let id =
      try found
      ?? Int64.fetchOne(
        db.cachedStatement(sql: "INSERT INTO writers (actor, source) VALUES (?, ?) RETURNING id"),
        arguments: [context.actor, context.source]) ?? 0
    writer = id
    return id
  }

  // MARK: - Rules

  private func type(of object: Object) throws(StoreError) -> ResourceType {
    let gvk = object.gvk
    guard let type = registry.type(for: gvk) else { throw .noKind(gvk) }
    return type
  }

  private func key(_ type: ResourceType, _ object: Object) -> ObjectKey {
    PreparedCreate.key(type, object)
  }

  private static func key(_ row: Row) -> ObjectKey {
    let ns: String = row[2]
    return ObjectKey(
      GroupResource(group: row[0], resource: row[1]), namespace: ns.isEmpty ? nil : ns,
      name: row[3])
  }

  private func requireNamespace(_ name: String) throws(StoreError) {
    guard let ns = try load(ObjectKey(BuiltinTypes.namespaces, namespace: nil, name: name))
    else { throw .namespaceNotFound(name) }
    if ns.deletionTimestamp != nil {
      throw .forbidden(
        "unable to create new content in namespace \(name) because it is being terminated")
    }
  }

  private func checkPreconditions(_ key: ObjectKey, _ input: Object, _ old: Object)
    throws(StoreError)
  {
    if let rv = input.resourceVersion, !rv.isEmpty, rv != old.resourceVersion {
      throw .conflict(
        key,
        "the object has been modified; please apply your changes to the latest version and try again"
      )
    }
    if let uid = input.uid, !uid.isEmpty, uid != old.uid {
      throw .conflict(
        key,
        "Precondition failed: UID in precondition: \(uid), UID in object meta: \(old.uid ?? "")")
    }
  }

  /// A name from `generateName` plus five random characters, unused so far.
  private func generateName(_ type: ResourceType, _ object: Object) throws(StoreError) -> String {
    let alphabet = Array("bcdfghjklmnpqrstvwxz2456789")
    let base = String((object.generateName ?? "").prefix(58))
    for _ in 0..<16 {
      let name = base + String((0..<5).map { _ in alphabet.randomElement()! })
      var candidate = object
      candidate.name = name
      if try !exists(key(type, candidate)) { return name }
    }
    throw .alreadyExists(key(type, object))
  }

  /// The kind a CRD declares, refused when it would take over another kind.
  private func crdType(_ crd: Object, replacing old: Object?) throws(StoreError) -> ResourceType {
    let t = try ResourceType(customResourceDefinition: crd)
    if let old {
      let before = try ResourceType(customResourceDefinition: old)
      if before.groupResource != t.groupResource || before.kind != t.kind {
        throw .invalid(
          key(registry.type(for: BuiltinTypes.customResourceDefinitions)!, crd),
          [.forbidden("spec.names", "the group, plural and kind of a CRD are immutable")])
      }
      // As kube-apiserver: where objects are stored depends on it.
      if before.namespaced != t.namespaced {
        throw .invalid(
          key(registry.type(for: BuiltinTypes.customResourceDefinitions)!, crd),
          [
            .invalid(
              "spec.scope", .string(t.namespaced ? "Namespaced" : "Cluster"),
              "field is immutable")
          ])
      }
      return t
    }
    // A CRD may define one of Mooring's built-in kinds (they are CRDs embedded in the
    // binary), but never take over another definition.
    let builtin = BuiltinTypes.all.first {
      $0.groupResource == t.groupResource && $0.kind == t.kind
    }
    let clash =
      registry.type(for: t.groupResource) != nil
      || registry.type(
        for: GroupVersionKind(group: t.group, version: t.versions.first ?? "", kind: t.kind)) != nil
    if clash && (builtin == nil || registry.type(for: t.groupResource) != builtin) {
      throw .invalid(
        ObjectKey(BuiltinTypes.customResourceDefinitions, namespace: nil, name: crd.name ?? ""),
        [
          .invalid(
            "spec.names.plural", .string(t.plural),
            "\(t.groupResource) is already served by another definition")
        ])
    }
    return t
  }

  /// Whether anything outside metadata and status differs.
  static func specChanged(_ a: Object, _ b: Object) -> Bool {
    guard case .map(var x) = a.value, case .map(var y) = b.value else { return a != b }
    x["metadata"] = nil
    x["status"] = nil
    y["metadata"] = nil
    y["status"] = nil
    return x != y
  }

  /// Runs SQLite work, mapping its errors.
  private func sql<T>(_ body: () throws -> T) throws(StoreError) -> T {
    try StoreError.mapping(body)
  }
}
