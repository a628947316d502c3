import Objects

/// One entry of `metadata.managedFields`: the fields a manager owns.
public struct ManagedFieldsEntry: Sendable, Hashable {
  /// How the manager wrote its fields.
  public enum Operation: String, Sendable, Hashable {
    /// Server-side apply.
    case apply = "Apply"
    /// Create, update or patch.
    case update = "Update"
  }

  /// The field manager (`?fieldManager=`).
  public var manager: String
  /// Apply or Update.
  public var operation: Operation
  /// The API version the manager wrote in.
  public var apiVersion: String
  /// When the manager last changed the object (RFC 3339, UTC).
  public var time: String?
  /// The owned fields.
  public var fields: FieldSet
  /// The subresource written through (`status`), nil for the main resource.
  public var subresource: String?

  /// An entry with the given members.
  public init(
    manager: String, operation: Operation, apiVersion: String, time: String?,
    fields: FieldSet, subresource: String? = nil
  ) {
    self.manager = manager
    self.operation = operation
    self.apiVersion = apiVersion
    self.time = time
    self.fields = fields
    self.subresource = subresource
  }

  /// Decodes one entry of `metadata.managedFields`. A missing operation reads as Update and
  /// missing fields as empty, so `[{}]` (kube's way to clear managedFields) decodes.
  public init(_ value: Value) throws(FieldSetError) {
    guard case .map(let m) = value else {
      throw FieldSetError("managedFields entry must be an object, not \(value.typeName)")
    }
    func string(_ key: String) throws(FieldSetError) -> String? {
      switch m[key] {
      case nil, .null?: return nil
      case .string(let s)?: return s
      case let other?:
        throw FieldSetError("managedFields entry \(key) must be a string, not \(other.typeName)")
      }
    }
    manager = try string("manager") ?? ""
    let operation = try string("operation") ?? ""
    switch operation {
    case "", "Update": self.operation = .update
    case "Apply": self.operation = .apply
    default: throw FieldSetError("managedFields entry has unknown operation \"\(operation)\"")
    }
    apiVersion = try string("apiVersion") ?? ""
    time = try string("time")
    let fieldsType = try string("fieldsType") ?? ""
    guard fieldsType.isEmpty || fieldsType == "FieldsV1" else {
      throw FieldSetError("managedFields entry has unknown fieldsType \"\(fieldsType)\"")
    }
    switch m["fieldsV1"] {
    case nil, .null?: fields = FieldSet()
    case let v?: fields = try FieldSet(fieldsV1: v)
    }
    let subresource = try string("subresource") ?? ""
    self.subresource = subresource.isEmpty ? nil : subresource
  }

  /// The entry as kube writes it (`manager`, `operation`, `apiVersion`, `time`, `fieldsType`,
  /// `fieldsV1`, `subresource`).
  public var value: Value {
    var m = ValueMap(minimumCapacity: 7)
    m["manager"] = .string(manager)
    m["operation"] = .string(operation.rawValue)
    m["apiVersion"] = .string(apiVersion)
    if let time { m["time"] = .string(time) }
    m["fieldsType"] = "FieldsV1"
    m["fieldsV1"] = fields.fieldsV1
    if let subresource { m["subresource"] = .string(subresource) }
    return .map(m)
  }

  /// Decodes `metadata.managedFields` (nil or null: none). Entries of the same manager
  /// identity are merged.
  public static func decodeList(_ value: Value?) throws(FieldSetError) -> [ManagedFieldsEntry] {
    switch value {
    case nil, .null?:
      return []
    case .list(let items)?:
      var out: [ManagedFieldsEntry] = []
      for item in items {
        let entry = try ManagedFieldsEntry(item)
        if let i = out.firstIndex(where: { $0.isSameManager(as: entry) }) {
          out[i].fields = out[i].fields.union(entry.fields)
        } else {
          out.append(entry)
        }
      }
      return out
    case let other?:
      throw FieldSetError("managedFields must be a list, not \(other.typeName)")
    }
  }

  /// True when both entries are the same manager for kube: same name, operation and
  /// subresource, and for Update the same API version.
  public func isSameManager(as other: ManagedFieldsEntry) -> Bool {
    manager == other.manager && operation == other.operation
      && subresource == other.subresource
      && (operation == .apply || apiVersion == other.apiVersion)
  }

  /// kube's order of entries: by operation (Apply first), time, manager, API version,
  /// subresource.
  static func sorted(_ entries: [ManagedFieldsEntry]) -> [ManagedFieldsEntry] {
    entries.sorted { p, q in
      if p.operation != q.operation { return p.operation == .apply }
      if (p.time ?? "") != (q.time ?? "") { return (p.time ?? "") < (q.time ?? "") }
      if p.manager != q.manager { return p.manager < q.manager }
      if p.apiVersion != q.apiVersion { return p.apiVersion < q.apiVersion }
      return (p.subresource ?? "") < (q.subresource ?? "")
    }
  }
}

/// A field that an apply would change although another manager owns it.
public struct ApplyConflict: Sendable, Hashable {
  /// The owning manager.
  public var manager: String
  /// How the owner wrote it.
  public var operation: ManagedFieldsEntry.Operation
  /// The owner's API version.
  public var apiVersion: String
  /// The owner's subresource.
  public var subresource: String?
  /// The field.
  public var path: FieldPath

  /// A conflict on `path` with the manager of `entry`.
  public init(_ entry: ManagedFieldsEntry, path: FieldPath) {
    manager = entry.manager
    operation = entry.operation
    apiVersion = entry.apiVersion
    subresource = entry.subresource
    self.path = path
  }

  /// The owner as kube prints it: `"kubectl-patch" using resourcemanager.mooring.dev/v1alpha1`
  /// for an updater, `"kubectl"` for an applier.
  public var managerDescription: String {
    var out = JSON.encode(.string(manager))
    if let subresource { out += " with subresource " + JSON.encode(.string(subresource)) }
    if operation == .update { out += " using " + apiVersion }
    return out
  }

  /// The `FieldManagerConflict` cause message: `conflict with "kubectl-patch" using g/v`.
  public var message: String { "conflict with " + managerDescription }

  /// The cause field: `.spec.displayName`.
  public var field: String { path.description }
}

/// A server-side apply that cannot be done.
public enum ServerSideApplyError: Error, Sendable, Equatable, CustomStringConvertible {
  /// Fields owned by other managers would change (409 Conflict, `FieldManagerConflict` causes).
  case conflicts([ApplyConflict])
  /// The applied configuration is unacceptable (400 BadRequest).
  case badRequest(String)
  /// The live object's managedFields cannot be decoded.
  case invalidManagedFields(String)

  /// kube's message: `Apply failed with 1 conflict: conflict with "m" using v: .spec.x`, or for
  /// several, the conflicts grouped by manager.
  public var description: String {
    switch self {
    case .conflicts(let conflicts):
      return ServerSideApplyError.message(for: conflicts)
    case .badRequest(let message):
      return message
    case .invalidManagedFields(let message):
      return "failed to decode managed fields: \(message)"
    }
  }

  static func message(for conflicts: [ApplyConflict]) -> String {
    if conflicts.count == 1, let c = conflicts.first {
      return "Apply failed with 1 conflict: \(c.message): \(c.field)"
    }
    var order: [String] = []
    var byManager: [String: [ApplyConflict]] = [:]
    for c in conflicts {
      if byManager[c.managerDescription] == nil { order.append(c.managerDescription) }
      byManager[c.managerDescription, default: []].append(c)
    }
    var lines: [String] = []
    for manager in order.sorted() {
      lines.append("conflicts with \(manager):")
      for c in byManager[manager] ?? [] { lines.append("- \(c.field)") }
    }
    return "Apply failed with \(conflicts.count) conflicts: " + lines.joined(separator: "\n")
  }
}

/// Server-side apply and field ownership (`metadata.managedFields`), after kube-apiserver's
/// field manager and structured-merge-diff, over dynamic values.
///
/// - Apply (`application/apply-patch+yaml`): the configuration is merged into the live object
///   (maps recursively, keyed lists and sets by item, other lists and atomic maps replaced);
///   fields the manager applied before and no longer applies are removed unless another manager
///   owns them (or something below them); changing a field another manager owns is a conflict
///   unless `force` takes it over; applying the value a field already has shares its ownership.
/// - Update (create, update, patch): the manager owns what it changed; other managers lose it.
///
/// Never owned, as in kube: `apiVersion`, `kind`, `metadata` itself and its `name`,
/// `namespace`, `uid`, `resourceVersion`, `generation`, `creationTimestamp`, `selfLink`,
/// `managedFields`. Labels, annotations, finalizers and owner references are owned.
///
/// Server-set fields: this type does not know which fields a subresource owns. Callers pass
/// `resetFields`: for the main resource of a kind with a status subresource,
/// `mainResourceResetFields` (`status`); for the status subresource, `statusResetFields`
/// (`spec`). Values the request gives under these paths are dropped (the live ones stay) and
/// nobody owns them, as with kube's reset fields.
///
/// Times: an applier's entry gets the new time when the object, its fields or its API version
/// change; an updater's entry when the update changed fields. No-op rule: when nothing changes
/// (same values, same owners), the result is equal to the live object, managedFields and their
/// times included, so the caller can skip the write and keep the resourceVersion.
public enum ServerSideApply {
  /// `status`, reset on writes to the main resource of kinds with a status subresource.
  public static let mainResourceResetFields = FieldSet([.fields("status")])
  /// `spec`, reset on writes to the status subresource.
  public static let statusResetFields = FieldSet([.fields("spec")])

  /// The manager name kube gives the fields of an object that had no managedFields before its
  /// first apply.
  public static let beforeFirstApplyManager = "before-first-apply"

  /// kubectl's client-side apply annotation.
  public static let lastAppliedAnnotation = "kubectl.kubernetes.io/last-applied-configuration"

  /// The fields kube never records as owned (its `stripSet`; exact paths, not prefixes).
  static let strippedFields = FieldSet(
    [FieldPath.fields("apiVersion"), .fields("kind"), .fields("metadata")]
      + [
        "name", "namespace", "creationTimestamp", "selfLink", "uid", "clusterName", "generation",
        "managedFields", "resourceVersion",
      ].map { FieldPath.fields("metadata", $0) })

  /// Metadata the server sets; an applied configuration's values for them are ignored.
  static let serverMetadata = [
    "uid", "resourceVersion", "generation", "creationTimestamp", "selfLink", "deletionTimestamp",
    "deletionGracePeriodSeconds", "managedFields",
  ]

  /// Applies `configuration` (the decoded apply patch) by `manager` onto `live` (nil: create).
  ///
  /// - Parameters:
  ///   - force: take fields over from other managers instead of failing (`?force=true`).
  ///   - strategies: the list and map types of the kind.
  ///   - time: now, RFC 3339 UTC, for the manager's entry when it changes.
  ///   - subresource: the subresource written through, recorded in the entry.
  ///   - resetFields: paths whose values the request cannot change (see the type's notes).
  /// - Returns: the new object, `metadata.managedFields` included.
  /// - Throws: `.conflicts` (409), `.badRequest` (400) or `.invalidManagedFields`.
  ///
  /// Like kube, manager `kubectl` ignores conflicts on fields that the live
  /// `last-applied-configuration` annotation lists with their live value (so switching from
  /// client-side to server-side apply does not conflict), and rewrites that annotation, when
  /// present, with the applied configuration.
  public static func apply(
    _ configuration: Value, to live: Value?, manager: String, force: Bool = false,
    strategies: PatchStrategies, time: String, subresource: String? = nil,
    resetFields: FieldSet = FieldSet()
  ) throws(ServerSideApplyError) -> Value {
    guard case .map = configuration else {
      throw .badRequest("apply configuration must be an object, not \(configuration.typeName)")
    }
    if let managed = configuration["metadata"]?["managedFields"], !managed.isNull {
      throw .badRequest("metadata.managedFields must be nil")
    }
    let liveBody = live.map(withoutManagedFields) ?? .map(ValueMap())
    var entries: [ManagedFieldsEntry]
    do {
      entries = try ManagedFieldsEntry.decodeList(live?["metadata"]?["managedFields"])
    } catch {
      throw .invalidManagedFields(error.message)
    }
    let originalEntries = entries
    if live != nil && entries.isEmpty {
      let existing = ownedFields(
        FieldSet.compare(nil, liveBody, strategies: strategies), resetFields: resetFields)
      if !existing.isEmpty {
        entries.append(
          ManagedFieldsEntry(
            manager: beforeFirstApplyManager, operation: .update,
            apiVersion: liveBody["apiVersion"]?.stringValue ?? "", time: time, fields: existing,
            subresource: subresource))
      }
    }
    let apiVersion =
      configuration["apiVersion"]?.stringValue ?? liveBody["apiVersion"]?.stringValue ?? ""
    let config = removing(resetFields, from: cleaned(configuration))
    let configSet = FieldSet(fieldsOf: config, strategies: strategies)
      .subtracting(strippedFields).subtractingRecursively(resetFields)

    let selfEntry = ManagedFieldsEntry(
      manager: manager, operation: .apply, apiVersion: apiVersion, time: time, fields: configSet,
      subresource: subresource)
    let selfIndex = entries.firstIndex { $0.isSameManager(as: selfEntry) }
    let lastSet = selfIndex.map { entries[$0].fields } ?? FieldSet()
    var kept = configSet
    for (i, entry) in entries.enumerated() where i != selfIndex { kept = kept.union(entry.fields) }

    var merged = Merging(strategies: strategies).merge(liveBody, config, schema: "")
    for path in lastSet.subtracting(configSet).paths where !kept.containsPathOrDescendant(of: path)
    {
      merged = remove(path, from: merged)
    }

    let comparison = FieldSet.compare(liveBody, merged, strategies: strategies)
    let changed = comparison.modified.union(comparison.added)
    var conflicts: [(index: Int, fields: FieldSet)] = []
    for (i, entry) in entries.enumerated() where i != selfIndex {
      let overlap = entry.fields.intersection(changed)
      if !overlap.isEmpty { conflicts.append((i, overlap)) }
    }
    if !force && !conflicts.isEmpty {
      let allowed =
        manager == "kubectl" ? lastAppliedFields(live: liveBody, strategies: strategies) : nil
      var remaining: [ApplyConflict] = []
      for (i, fields) in conflicts {
        for path in fields.paths where !(allowed?.contains(path) ?? false) {
          remaining.append(ApplyConflict(entries[i], path: path))
        }
      }
      if !remaining.isEmpty { throw .conflicts(remaining) }
    }
    for (i, fields) in conflicts { entries[i].fields = entries[i].fields.subtracting(fields) }
    for i in entries.indices where i != selfIndex {
      entries[i].fields = entries[i].fields.subtracting(comparison.removed)
    }
    if let selfIndex {
      let previous = entries[selfIndex]
      var updated = selfEntry
      if previous.fields == configSet && previous.apiVersion == apiVersion && merged == liveBody {
        updated.time = previous.time
      }
      entries[selfIndex] = updated
    } else {
      entries.append(selfEntry)
    }
    entries.removeAll { $0.fields.isEmpty }

    var result = merged
    if manager == "kubectl" {
      result = updatingLastApplied(result, configuration: configuration)
    }
    let managedFields = live?["metadata"]?["managedFields"]
    return withManagedFields(
      result, entries: entries, unchangedFrom: originalEntries, original: managedFields)
  }

  /// Records a create, update or patch by `manager` (operation Update): the manager owns the
  /// fields that differ between `old` (nil: create) and `new`, other managers lose them, and
  /// removed fields leave every manager. Returns `new` with its managedFields.
  ///
  /// As kube does, managedFields that `new` carries (a client writing them, as kubectl does when
  /// it migrates client-side apply to server-side apply) replace the live ones; updates of an
  /// existing object without managedFields are not tracked; undecodable managedFields are
  /// dropped.
  public static func update(
    from old: Value?, to new: Value, manager: String, strategies: PatchStrategies,
    time: String, subresource: String? = nil, resetFields: FieldSet = FieldSet()
  ) -> Value {
    let requested = new["metadata"]?["managedFields"]
    let liveManaged = old?["metadata"]?["managedFields"]
    let newBody = withoutManagedFields(new)
    var entries: [ManagedFieldsEntry]
    var base: Value?
    if subresource == nil, let requested,
      let decoded = try? ManagedFieldsEntry.decodeList(requested), !decoded.isEmpty
    {
      entries = decoded
      base = requested
    } else if let decoded = try? ManagedFieldsEntry.decodeList(liveManaged) {
      entries = decoded
      base = liveManaged
    } else {
      return newBody
    }
    if old != nil && entries.isEmpty { return newBody }
    let originalEntries = entries

    let oldBody = old.map(withoutManagedFields) ?? .map(ValueMap())
    let comparison = FieldSet.compare(oldBody, newBody, strategies: strategies)
    let changed = comparison.modified.union(comparison.added)
    let owned = ownedFields(comparison, resetFields: resetFields)
    for i in entries.indices {
      entries[i].fields = entries[i].fields.subtracting(changed).subtracting(comparison.removed)
    }
    if !owned.isEmpty {
      let apiVersion = newBody["apiVersion"]?.stringValue ?? ""
      let entry = ManagedFieldsEntry(
        manager: manager, operation: .update, apiVersion: apiVersion, time: time, fields: owned,
        subresource: subresource)
      if let i = entries.firstIndex(where: { $0.isSameManager(as: entry) }) {
        entries[i].fields = entries[i].fields.union(owned)
        entries[i].time = time
      } else {
        entries.append(entry)
      }
    }
    entries.removeAll { $0.fields.isEmpty }
    return withManagedFields(
      newBody, entries: entries, unchangedFrom: originalEntries, original: base)
  }

  // MARK: - Helpers

  /// The fields an Update owns after `comparison`: what it changed or added, without the
  /// fields kube never owns and the reset fields.
  static func ownedFields(_ comparison: FieldSet.Comparison, resetFields: FieldSet) -> FieldSet {
    comparison.modified.union(comparison.added).subtracting(strippedFields)
      .subtractingRecursively(resetFields)
  }

  /// `object` with `entries` as its managedFields (sorted as kube sorts them), or with
  /// `original` kept verbatim when the entries did not change.
  static func withManagedFields(
    _ object: Value, entries: [ManagedFieldsEntry], unchangedFrom before: [ManagedFieldsEntry],
    original: Value?
  ) -> Value {
    var out = object
    if Set(entries) == Set(before), let original, !original.isNull {
      out[path: ValuePath(keys: "metadata", "managedFields")] = original
      return out
    }
    let path = ValuePath(keys: "metadata", "managedFields")
    if entries.isEmpty {
      if out[path: path] != nil { out[path: path] = Value?.none }
    } else {
      out[path: path] = .list(ManagedFieldsEntry.sorted(entries).map(\.value))
    }
    return out
  }

  static func withoutManagedFields(_ object: Value) -> Value {
    var out = object
    if out["metadata"]?["managedFields"] != nil {
      out[path: ValuePath(keys: "metadata", "managedFields")] = Value?.none
    }
    return out
  }

  /// The applied configuration without nulls (an apply cannot set null; a null reads as not
  /// applied) and without the metadata the server sets.
  static func cleaned(_ configuration: Value) -> Value {
    var out = dropNulls(configuration)
    if case .map(var metadata)? = out["metadata"] {
      for key in serverMetadata { metadata.removeValue(forKey: key) }
      out["metadata"] = .map(metadata)
    }
    return out
  }

  static func dropNulls(_ value: Value) -> Value {
    switch value {
    case .map(let m):
      var out = ValueMap(minimumCapacity: m.count)
      for (k, v) in m where !v.isNull { out.appendNew(k, dropNulls(v)) }
      return .map(out)
    case .list(let items):
      return .list(items.map(dropNulls))
    default:
      return value
    }
  }

  /// `value` without the paths of `fields` (and what is below them).
  static func removing(_ fields: FieldSet, from value: Value) -> Value {
    var out = value
    for path in fields.paths { out = remove(path, from: out) }
    return out
  }

  /// `value` without the field or list item at `path`; unchanged when there is none. The key
  /// fields of a keyed list item are never removed alone.
  static func remove(_ path: FieldPath, from value: Value) -> Value {
    remove(path.elements[...], from: value)
  }

  private static func remove(_ path: ArraySlice<FieldPathElement>, from value: Value) -> Value {
    guard let first = path.first else { return value }
    let rest = path.dropFirst()
    switch (first, value) {
    case (.field(let key), .map(var m)):
      guard let child = m[key] else { return value }
      if rest.isEmpty {
        m.removeValue(forKey: key)
      } else {
        m[key] = remove(rest, from: child)
      }
      return .map(m)
    case (_, .list(var items)):
      guard let i = items.indices.first(where: { matches(first, items[$0], at: $0) }) else {
        return value
      }
      if rest.isEmpty {
        items.remove(at: i)
      } else {
        if case .key(let keys) = first, case .field(let name)? = rest.first, rest.count == 1,
          keys[name] != nil
        {
          return value
        }
        items[i] = remove(rest, from: items[i])
      }
      return .list(items)
    default:
      return value
    }
  }

  static func matches(_ element: FieldPathElement, _ item: Value, at index: Int) -> Bool {
    switch element {
    case .field: return false
    case .index(let i): return i == index
    case .value(let v): return item == v
    case .key(let keys):
      guard case .map(let m) = item else { return false }
      return keys.allSatisfy { m[$0.key] == $0.value }
    }
  }

  /// kube's `lastAppliedManager`: the fields of the live last-applied-configuration annotation
  /// whose value is still the live value; nil without a usable annotation.
  static func lastAppliedFields(live: Value, strategies: PatchStrategies) -> FieldSet? {
    guard let text = live["metadata"]?["annotations"]?[lastAppliedAnnotation]?.stringValue,
      !text.isEmpty, let lastApplied = try? JSON.decode(text), case .map = lastApplied,
      lastApplied["apiVersion"] == live["apiVersion"]
    else { return nil }
    let comparison = FieldSet.compare(lastApplied, live, strategies: strategies)
    return FieldSet(fieldsOf: lastApplied, strategies: strategies)
      .subtracting(comparison.modified).subtracting(comparison.added)
      .subtracting(comparison.removed)
  }

  /// kube's `lastAppliedUpdater`: when `object` has the last-applied annotation, sets it to the
  /// applied configuration (without that annotation) as sorted JSON plus a newline; drops it when
  /// the annotations would exceed 256 KiB.
  static func updatingLastApplied(_ object: Value, configuration: Value) -> Value {
    let annotationsPath = ValuePath(keys: "metadata", "annotations")
    guard case .map(var annotations)? = object[path: annotationsPath],
      let current = annotations[lastAppliedAnnotation]?.stringValue, !current.isEmpty
    else { return object }
    var applied = configuration
    if case .map(var own)? = applied[path: annotationsPath] {
      own.removeValue(forKey: lastAppliedAnnotation)
      applied[path: annotationsPath] = .map(own)
    }
    annotations[lastAppliedAnnotation] = .string(JSON.encode(applied, sortedKeys: true) + "\n")
    var size = 0
    for (key, value) in annotations {
      size += key.utf8.count + (value.stringValue?.utf8.count ?? 0)
    }
    if size > 256 * 1024 { annotations.removeValue(forKey: lastAppliedAnnotation) }
    var out = object
    out[path: annotationsPath] = .map(annotations)
    return out
  }
}

/// structured-merge-diff's merge of an applied configuration into the live object.
private struct Merging {
  let strategies: PatchStrategies

  func merge(_ live: Value?, _ config: Value, schema: String) -> Value {
    guard let live else { return config }
    switch (live, config) {
    case (.map(let l), .map(let c)) where schema.isEmpty || strategies[schema]?.atomic != true:
      var out = l
      for (key, value) in c {
        out[key] = merge(l[key], value, schema: PatchStrategies.child(schema, key))
      }
      return .map(out)
    case (.list(let l), .list(let c)):
      let type = strategies[schema]?.listType ?? .atomic
      guard type != .atomic else { return config }
      return .list(mergeItems(l, c, type: type, schema: PatchStrategies.items(schema)))
    default:
      return config
    }
  }

  /// Merges keyed list or set items: live items the configuration does not name keep their
  /// place; named items follow the configuration's order, merged with their live version.
  func mergeItems(
    _ live: [Value], _ config: [Value], type: PatchStrategies.ListType, schema: String
  ) -> [Value] {
    let lhs = FieldSet.indexed(live, listType: type)
    let rhs = FieldSet.indexed(config, listType: type)
    var lhsByElement: [FieldPathElement: Value] = [:]
    for (element, item) in lhs { lhsByElement[element] = item }
    var rhsElements = Set<FieldPathElement>()
    for (element, _) in rhs { rhsElements.insert(element) }
    var shared = rhs.map(\.0).filter { lhsByElement[$0] != nil }[...]
    var done = Set<FieldPathElement>()
    var out: [Value] = []
    var i = 0
    var j = 0
    func takeRight() {
      let (element, item) = rhs[j]
      out.append(merge(lhsByElement[element], item, schema: schema))
      done.insert(element)
      if shared.first == element { shared = shared.dropFirst() }
      j += 1
    }
    while i < lhs.count || j < rhs.count {
      if i < lhs.count && j < rhs.count {
        let element = lhs[i].0
        if element == rhs[j].0 {
          takeRight()
          i += 1
          continue
        }
        if rhsElements.contains(element), let next = shared.first, next != element {
          i += 1
          continue
        }
      }
      if i < lhs.count {
        let (element, item) = lhs[i]
        if !rhsElements.contains(element) {
          out.append(item)
          i += 1
          continue
        }
        if done.contains(element) {
          i += 1
          continue
        }
      }
      if j < rhs.count {
        takeRight()
      } else {
        i += 1
      }
    }
    return out
  }
}
