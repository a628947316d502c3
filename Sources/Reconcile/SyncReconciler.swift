import Admission
import Foundation
import GitSource
import Logging
import Objects
import Store

/// Applies one Sync's path of its GitRepository's current revision to the store, as one
/// transaction or not at all, and records the result in the Sync's status.
///
/// Every object is loaded with its file and line, checked against the Sync's tenant
/// boundary, admitted (schemas, defaults, policies) as the Sync's identity, and planned
/// against the inventory and the live store. Any problem anywhere means nothing is written
/// and the status lists every problem; otherwise creates, updates and prunes commit
/// together. Re-applying an applied revision writes nothing.
public struct SyncReconciler: Sendable {
  public let store: SQLiteStore
  public let chain: AdmissionChain
  public let logger: Logger
  /// Authorizes every write as the Sync's identity; nil allows all (no RBAC).
  public let authorizer: (any SyncAuthorizer)?
  /// What earlier plans learned, per Sync (see `SyncPlanMemory`).
  let memory = SyncPlanMemory()
  /// Admission contexts shared by every Sync's plans.
  let admissionContexts = AdmissionContextCache()

  public init(
    store: SQLiteStore, chain: AdmissionChain, logger: Logger,
    authorizer: (any SyncAuthorizer)? = nil
  ) {
    self.store = store
    self.chain = chain
    self.logger = logger
    self.authorizer = authorizer
  }

  /// What one reconcile did.
  public enum Outcome: Sendable, Equatable {
    case applied(revision: String, created: Int, updated: Int, pruned: Int)
    case unchanged(revision: String)
    case failed(revision: String?, issues: [SyncIssue])
    case suspended
    case waiting(String)
  }

  public static let syncs = GroupResource(group: "gitops.mooring.dev", resource: "syncs")

  public func reconcile(_ sync: Object, repository: Object?, mirror: GitMirror?) async -> Outcome {
    let spec: SyncSpec
    do {
      spec = try SyncSpec(sync)
    } catch {
      return await finish(
        sync, nil, .failed(revision: nil, issues: [SyncIssue(message: "\(error)")]))
    }
    if spec.suspend { return .suspended }
    guard let repository, let mirror else {
      return await finish(
        sync, spec, .waiting("GitRepository \(spec.sourceName) not found"))
    }
    guard let artifact = repository.value[path: "status.artifact.revision"]?.stringValue,
      let sha = artifact.split(separator: ":").last.map(String.init), sha.count == 40
    else {
      let ready = repository.value[path: "status.conditions"]?.listValue?.first {
        $0["type"]?.stringValue == "Ready"
      }
      let why =
        ready?["status"]?.stringValue == "False"
        ? "GitRepository \(spec.sourceName) is not ready: \(ready?["message"]?.stringValue ?? "")"
        : "waiting for GitRepository \(spec.sourceName) to fetch"
      return await finish(sync, spec, .waiting(why))
    }
    let memoryID = "\(sync.namespace ?? "")/\(sync.name ?? "")"
    var memory = self.memory.entry(memoryID)
    let clock = ContinuousClock()
    let started = clock.now
    var read = Duration.zero
    var planned = Duration.zero
    let treeID: String
    let plan: SyncPlan
    var issues: [SyncIssue] = []
    if let unchanged = unchangedPlan(sync, repository, mirror, sha, spec, &memory) {
      (plan, treeID) = unchanged
    } else {
      let snapshot: GitTreeSnapshot
      do {
        // Files parsed before (same path, same blob) are not read again.
        snapshot = try mirror.snapshot(
          commit: sha, path: spec.path, known: memory.files.mapValues(\.blobID))
      } catch {
        return await finish(
          sync, spec,
          .failed(
            revision: artifact,
            issues: [SyncIssue(message: "cannot read path \"\(spec.path)\": \(error)")]))
      }
      treeID = snapshot.treeID
      read = clock.now - started
      (plan, issues) = await self.plan(sync, spec, snapshot, revision: artifact, memory: &memory)
    }
    planned = clock.now - started - read
    guard issues.isEmpty else {
      self.memory.store(memoryID, memory)
      return await finish(sync, spec, .failed(revision: artifact, issues: issues))
    }
    let context = WriteContext(actor: spec.identity, source: "git:\(mirror.displayURL)@\(artifact)")
    let outcome: Outcome =
      plan.isEmpty
      ? .unchanged(revision: artifact)
      : .applied(
        revision: artifact, created: plan.creates.count, updated: plan.updates.count,
        pruned: plan.prunes.count)
    if !plan.isEmpty {
      let key = ObjectKey(Self.syncs, namespace: sync.namespace, name: sync.name ?? "")
      // The objects written, as the store holds them now, to remember them as settled.
      var written: [Object] = []
      let committed: Int64
      do {
        committed = try await store.transaction(context: context) { tx throws(StoreError) in
          written.append(contentsOf: try tx.create(contentsOf: plan.creates))
          for object in plan.updates { written.append(try tx.update(object)) }
          for key in plan.prunes { _ = try tx.delete(key, options: DeleteOptions()) }
          // The Sync's status (lastAppliedRevision, inventory, history) commits with the
          // objects: a crash between two transactions would leave objects of the new revision
          // with the old inventory, so a later prune would miss what this one created.
          if var current = try? tx.get(key),
            let status = Self.status(
              of: current, spec, outcome, plan: plan, repository: repository,
              digest: treeID)
          {
            current.status = status
            _ = try tx.updateStatus(current)
          }
        }
      } catch {
        self.memory.store(memoryID, memory)
        return await finish(
          sync, spec,
          .failed(revision: artifact, issues: [SyncIssue(message: "apply failed: \(error)")]))
      }
      memory.settle(written, committed: committed, plan: plan)
    }
    memory.markClean(
      plan, treeID: treeID, sync: sync, repository: repository, drift: spec.drift)
    self.memory.store(memoryID, memory)
    if spec.drift == .correct {
      for entry in plan.drift {
        logger.info(
          "drift corrected",
          metadata: [
            "sync": "\(sync.namespace ?? "")/\(sync.name ?? "")", "object": "\(entry.id)",
            "fields": "\(entry.fields.joined(separator: ","))",
            "changedBy": "\(entry.changedBy ?? "unknown")",
          ])
      }
    }
    logger.info(
      "reconciled",
      metadata: [
        "sync": "\(sync.namespace ?? "")/\(sync.name ?? "")", "revision": "\(artifact)",
        "created": "\(plan.creates.count)", "updated": "\(plan.updates.count)",
        "pruned": "\(plan.prunes.count)", "unchanged": "\(plan.unchanged)",
        "parsedFiles": "\(plan.parsedFiles)", "admitted": "\(plan.admitted)",
        "reused": "\(plan.reused)", "readMs": "\(read.milliseconds)",
        "planMs": "\(planned.milliseconds)",
        "applyMs": "\((clock.now - started - read - planned).milliseconds)",
      ])
    await recordEvents(sync, spec, outcome, plan: plan)
    if !plan.isEmpty { return outcome }
    return await finish(
      sync, spec, outcome, plan: plan, repository: repository, digest: treeID)
  }

  /// Types one file's objects for `sync`: kind lookup (the store's kinds and the
  /// revision's CRDs), namespace defaulting, basic validation, the tenant boundary, and the
  /// Sync's ownership labels and annotation.
  static func type(
    _ objects: [DesiredObject], registry: TypeRegistry, revisionTypes: TypeRegistry,
    sync: Object, spec: SyncSpec
  ) -> SyncPlanMemory.TypedFile {
    let me = "\(sync.namespace ?? "")/\(sync.name ?? "")"
    var typed: [SyncPlanMemory.TypedObject] = []
    var issues: [SyncIssue] = []
    for var d in objects {
      let gvk = d.object.gvk
      guard let type = registry.type(for: gvk) ?? revisionTypes.type(for: gvk) else {
        issues.append(
          d.issue(
            "no matches for kind \"\(gvk.kind)\" in version \"\(gvk.apiVersion)\"", at: "kind"))
        continue
      }
      if type.namespaced {
        if (d.object.namespace ?? "").isEmpty {
          d.object.namespace = spec.targetNamespace ?? "default"
        }
      } else {
        d.object.namespace = nil
      }
      for e in d.object.validateBasics() {
        issues.append(d.issue(e.description, at: e.field))
      }
      if let allowed = spec.allowedKinds,
        !allowed.contains(type.kind) && !allowed.contains("\(type.group)/\(type.kind)")
      {
        issues.append(
          d.issue("kind \(type.kind) is not allowed for Sync \(me) (allowedKinds)", at: "kind"))
      }
      if let allowed = spec.allowedNamespaces {
        if type.namespaced, let ns = d.object.namespace, !allowed.contains(ns) {
          issues.append(
            d.issue(
              "namespace \"\(ns)\" is outside Sync \(me)'s allowed namespaces \(allowed)",
              at: "metadata.namespace"))
        } else if !type.namespaced, spec.allowedKinds == nil {
          issues.append(
            d.issue("cluster-scoped \(type.kind) is not allowed for Sync \(me)", at: "kind"))
        }
      }
      var labels = d.object.labels
      labels[SyncLabels.syncName] = sync.name ?? ""
      labels[SyncLabels.syncNamespace] = sync.namespace ?? ""
      d.object.labels = labels
      var annotations = d.object.annotations
      annotations[SyncLabels.owner] = me
      d.object.annotations = annotations
      typed.append(
        SyncPlanMemory.TypedObject(
          desired: d, type: type, id: inventoryID(d.object),
          key: ObjectKey(
            type.groupResource, namespace: d.object.namespace, name: d.object.name ?? ""),
          origin: SyncPlanMemory.Origin(file: d.file, blobID: d.blobID, index: d.document.index),
          kindKey: "\(type.group)/\(type.kind)"))
    }
    return SyncPlanMemory.TypedFile(objects: typed, issues: issues)
  }

  /// The plan of a revision whose tree is the one the last clean plan applied, when
  /// nothing it depends on moved since: the Sync, its GitRepository, the configuration
  /// admission reads and every settled object. Nothing is read from Git but the tree id.
  func unchangedPlan(
    _ sync: Object, _ repository: Object, _ mirror: GitMirror, _ sha: String, _ spec: SyncSpec,
    _ memory: inout SyncPlanMemory.Entry
  ) -> (SyncPlan, String)? {
    guard let clean = memory.clean, clean.sync == SyncPlanMemory.Identity(sync),
      clean.repository == SyncPlanMemory.Identity(repository),
      clean.inventory.count
        == (sync.value[path: "status.inventory.entries"]?.listValue?.count ?? -1),
      let tree = try? mirror.treeID(commit: sha, path: spec.path), tree == clean.treeID,
      let start = try? store.revisionOnDisk(),
      let mark = try? store.changeMark(of: SyncPlanMemory.markedResources), mark == clean.mark,
      clean.params.map({ (try? store.changeMark(of: $0.kinds)) == $0.mark }) ?? true,
      let changed = try? store.changedKeys(since: memory.revision),
      !changed.contains(where: { clean.keys.contains($0) })
    else { return nil }
    memory.revision = start
    var plan = SyncPlan()
    plan.reused = true
    plan.unchanged = clean.inventory.count
    plan.inventory = clean.inventory
    return (plan, tree)
  }

  /// Who last changed the object's content, from the audit trail: the newest write that is
  /// not a status write (controllers rewrite statuses all the time; they never drift).
  func lastWriter(of key: ObjectKey) -> String? {
    var until: Double?
    for _ in 0..<20 {
      let page =
        (try? store.audit(
          AuditQuery(
            resource: key.resource, namespace: key.namespace, name: key.name, until: until,
            limit: 50))) ?? []
      if let record = page.first(where: { $0.verb != "update/status" }) { return record.actor }
      guard page.count == 50, let oldest = page.last?.time else { return nil }
      until = oldest
    }
    return nil
  }

  /// Builds the plan, or every reason there can be none.
  ///
  /// `memory` holds what the Sync's previous plans learned; unchanged files are not parsed
  /// again and objects still settled are neither read nor admitted again. It is updated
  /// with what this plan learned.
  func plan(
    _ sync: Object, _ spec: SyncSpec, _ snapshot: GitTreeSnapshot, revision: String,
    memory: inout SyncPlanMemory.Entry
  ) async -> (SyncPlan, [SyncIssue]) {
    // Before any read: changes after this revision are looked at again by the next plan.
    let start = (try? store.revisionOnDisk()) ?? 0
    memory.clean = nil
    memory.planMark = try? store.changeMark(of: SyncPlanMemory.markedResources)
    memory.paramMark = nil
    var issues: [SyncIssue] = []
    var files: [String: SyncPlanMemory.ParsedFile] = [:]
    let loader = ManifestLoader()
    var parsedFiles = 0
    var crdFiles: [String] = []
    var revisionTypes = TypeRegistry()
    for file in snapshot.files {
      let parsed: SyncPlanMemory.ParsedFile
      if let known = memory.files[file.path], known.blobID == file.blobID {
        parsed = known
      } else {
        parsed = loader.parse(file)
        parsedFiles += 1
      }
      files[file.path] = parsed
      issues += parsed.issues
      guard parsed.declaresCRD else { continue }
      // Kinds this revision brings with it.
      crdFiles.append("\(file.path):\(file.blobID)")
      for d in parsed.objects
      where d.object.gvk.group == "apiextensions.k8s.io"
        && d.object.kind == "CustomResourceDefinition"
      {
        if let t = try? ResourceType(customResourceDefinition: d.object) {
          revisionTypes.register(t)
        }
      }
    }
    let registry = store.registry
    let me = "\(sync.namespace ?? "")/\(sync.name ?? "")"
    let typing = SyncPlanMemory.Typing(
      sync: SyncPlanMemory.Identity(sync), registry: registry, revisionCRDs: crdFiles)
    let retype = memory.typing != typing
    memory.typing = typing
    var typed: [SyncPlanMemory.TypedObject] = []
    for file in snapshot.files {
      guard var parsed = files[file.path] else { continue }
      if retype || parsed.typed == nil {
        parsed.typed = Self.type(
          parsed.objects, registry: registry, revisionTypes: revisionTypes, sync: sync,
          spec: spec)
        files[file.path] = parsed
      }
      guard let t = parsed.typed else { continue }
      issues += t.issues
      typed += t.objects
    }
    memory.files = files
    // One object per identity.
    var seen: [String: Int] = [:]
    var unique: [SyncPlanMemory.TypedObject] = []
    unique.reserveCapacity(typed.count)
    for t in typed {
      if let first = seen[t.id] {
        let d = unique[first].desired
        issues.append(t.desired.issue("\(t.desired.label) is also declared at \(d.file):\(d.line)"))
        continue
      }
      seen[t.id] = unique.count
      unique.append(t)
    }
    // Admission, as the Sync's identity, against the live configuration plus this revision's.
    let storeConfiguration = await admissionContexts.storeObjects(store)
    let configurationTypes = Set(AdmissionContextCache.configurationResources)
    let ids = Set(
      unique.lazy.filter { configurationTypes.contains($0.type.groupResource) }.map(\.id))
    var configuration = storeConfiguration.filter { !ids.contains($0.id) }.map(\.value)
    // Of this revision, only what admission reads: configuration kinds and the kinds that
    // policies take parameters from (the set is searched linearly, so passing every object
    // made large revisions quadratic).
    var read: Set<String> = [
      "apiextensions.k8s.io/CustomResourceDefinition",
      "admissionregistration.k8s.io/ValidatingAdmissionPolicy",
      "admissionregistration.k8s.io/ValidatingAdmissionPolicyBinding", "/Namespace",
    ]
    let policyKind = "admissionregistration.k8s.io/ValidatingAdmissionPolicy"
    let policies =
      configuration.filter { $0["kind"]?.stringValue == "ValidatingAdmissionPolicy" }
      + unique.filter { $0.kindKey == policyKind }.map(\.desired.object.value)
    var paramResources = Set<GroupResource>()
    for o in policies {
      guard let kind = o["spec"]?["paramKind"] else { continue }
      let gvk = GroupVersionKind(
        apiVersion: kind["apiVersion"]?.stringValue ?? "", kind: kind["kind"]?.stringValue ?? "")
      read.insert("\(gvk.group)/\(gvk.kind)")
      if let type = store.registry.type(for: gvk) { paramResources.insert(type.groupResource) }
    }
    // Parameter objects in the store (applied by another Sync, or by hand) count as they do
    // in kube-apiserver; the revision's own override them.
    let revisionParams = unique.filter { read.contains($0.kindKey) }
    let overridden = Set(revisionParams.map(\.id))
    let storeParams = await admissionContexts.paramObjects(
      store, paramResources.subtracting(configurationTypes))
    memory.paramMark = storeParams.mark
    configuration += storeParams.objects.filter { !overridden.contains($0.id) }.map(\.value)
    configuration += revisionParams.map(\.desired.object.value)
    func makeContext(_ key: AdmissionContextCache.Key) -> AdmissionContextCache.Context {
      let source = AdmissionObjectSet(configuration)
      return AdmissionContextCache.Context(
        key: key, source: source, configuration: chain.configuration(from: source))
    }
    let admissionKey = admissionContexts.authorizationMark(store).map {
      AdmissionContextCache.Key(authorization: $0, configuration: configuration)
    }
    let compiled =
      admissionKey.map { key in admissionContexts.context(key) { makeContext(key) } }
      ?? makeContext(
        AdmissionContextCache.Key(
          authorization: ChangeMark(newest: [], compacted: -1), configuration: []))
    let source = compiled.source
    let admission = compiled.configuration
    // Objects settled by earlier plans that nothing wrote to since.
    let context = admissionKey.map {
      SyncPlanMemory.Context(
        uid: sync.uid ?? "", generation: sync.generation ?? 0, identity: spec.identity,
        admission: $0)
    }
    var settled = context != nil && memory.context == context ? memory.settled : [:]
    var dirty = Set<ObjectKey>()
    if !settled.isEmpty {
      if let changed = try? store.changedKeys(since: memory.revision) {
        dirty = changed
      } else {
        settled = [:]
      }
    }
    memory.context = context
    memory.revision = start
    memory.settled = [:]
    memory.origins = [:]
    let user = AdmissionUserInfo(
      username: spec.identity, groups: ["system:authenticated", "system:syncs"])
    var plan = SyncPlan()
    plan.parsedFiles = parsedFiles
    var inventory: [Value] = []
    let lastApplied = sync.value[path: "status.lastAppliedRevision"]?.stringValue
    for t in unique {
      if let s = settled[t.id], s.origin == t.origin, s.key == t.key, !dirty.contains(t.key) {
        plan.unchanged += 1
        inventory.append(["id": .string(t.id), "v": .string(t.desired.object.gvk.version)])
        memory.settled[t.id] = s
        continue
      }
      let (d, type, key, id, origin) = (t.desired, t.type, t.key, t.id, t.origin)
      plan.admitted += 1
      var live: Object?
      do {
        live = try await store.get(key)
      } catch .notFound {
        live = nil
      } catch {
        issues.append(d.issue("reading the live object: \(error)"))
        continue
      }
      if let owner = live?.annotations[SyncLabels.owner], owner != me {
        issues.append(d.issue("\(d.label) is owned by Sync \(owner); refusing to take it over"))
        continue
      }
      // Admission sees what the store will hold (the registry's defaults come first).
      var candidate = d.object
      BuiltinDefaults.apply(to: &candidate, type: type)
      let response = admission.admit(
        AdmissionRequest(
          operation: live == nil ? .create : .update, object: candidate.value,
          oldObject: live?.value, userInfo: user),
        source: source)
      for e in response.schemaErrors { issues.append(d.issue(e.description, at: e.field)) }
      for denial in response.denials where denial.policy != nil || response.schemaErrors.isEmpty {
        issues.append(d.issue(denial.message))
      }
      guard response.allowed else { continue }
      var object = candidate
      if let defaulted = response.object, let o = try? Object(defaulted) { object = o }
      BuiltinDefaults.apply(to: &object, type: type)
      inventory.append(["id": .string(inventoryID(object)), "v": .string(object.gvk.version)])
      guard let live else {
        if let why = await authorizer?.denial(
          user: user, verb: "create", type: type, namespace: object.namespace,
          name: object.name ?? "")
        {
          issues.append(d.issue(why))
          continue
        }
        memory.origins[id] = (origin, key, object)
        plan.creates.append(object)
        continue
      }
      let fields = ObjectComparison.differences(object, live)
      if fields.isEmpty {
        plan.unchanged += 1
        memory.settled[id] = (origin, key)
        continue
      }
      if lastApplied == revision {
        // Git did not change: someone changed the live object.
        plan.drift.append(
          DriftEntry(id: inventoryID(object), fields: fields, changedBy: lastWriter(of: key)))
        if spec.drift == .report { continue }
      }
      object.resourceVersion = live.resourceVersion
      if let why = await authorizer?.denial(
        user: user, verb: "update", type: type, namespace: object.namespace,
        name: object.name ?? "")
      {
        issues.append(d.issue(why))
        continue
      }
      memory.origins[id] = (origin, key, object)
      plan.updates.append(object)
    }
    plan.creates.sort { applyRank($0) < applyRank($1) }
    // Prune what left Git.
    let desiredIDs = Set(inventory.compactMap { $0["id"]?.stringValue })
    let previous = sync.value[path: "status.inventory.entries"]?.listValue ?? []
    if spec.prune {
      var prunes: [(Int, ObjectKey)] = []
      for entry in previous {
        guard let id = entry["id"]?.stringValue, !desiredIDs.contains(id),
          let version = entry["v"]?.stringValue
        else { continue }
        let parts = id.split(separator: "_", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 4 else { continue }
        let gvk = GroupVersionKind(group: parts[2], version: version, kind: parts[3])
        guard let type = registry.type(for: gvk) else { continue }
        let key = ObjectKey(
          type.groupResource, namespace: parts[0].isEmpty ? nil : parts[0], name: parts[1])
        guard let live = try? await store.get(key), live.annotations[SyncLabels.owner] == me,
          live.annotations[SyncLabels.prune] != "disabled"
        else { continue }
        if let why = await authorizer?.denial(
          user: user, verb: "delete", type: type, namespace: key.namespace, name: key.name)
        {
          issues.append(SyncIssue(object: "\(type.kind) \(key)", message: "prune: \(why)"))
          continue
        }
        let rank =
          type.groupResource == BuiltinTypes.customResourceDefinitions
          ? 0 : type.groupResource == BuiltinTypes.namespaces ? 1 : 2
        prunes.append((rank, key))
      }
      plan.prunes = prunes.sorted { $0.0 > $1.0 }.map(\.1)
      if desiredIDs.isEmpty && !previous.isEmpty && !spec.allowEmpty && issues.isEmpty {
        issues.append(
          SyncIssue(
            message:
              "revision \(revision) declares no objects under \"\(spec.path)\"; refusing to prune all \(previous.count) objects of Sync \(me) (set spec.allowEmpty to allow it)"
          ))
      }
    }
    plan.inventory = inventory.sorted {
      ($0["id"]?.stringValue ?? "") < ($1["id"]?.stringValue ?? "")
    }
    return (plan, issues)
  }
}

extension SyncReconciler.Outcome {
  /// The outcome's name in metrics: applied, unchanged, failed, suspended, waiting.
  public var metricLabel: String {
    switch self {
    case .applied: return "applied"
    case .unchanged: return "unchanged"
    case .failed: return "failed"
    case .suspended: return "suspended"
    case .waiting: return "waiting"
    }
  }
}

extension Duration {
  /// Whole milliseconds, for logs.
  var milliseconds: Int64 {
    components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000
  }
}
