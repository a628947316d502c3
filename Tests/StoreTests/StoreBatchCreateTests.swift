import Foundation
import Objects
import Store
import Testing
import YAML

/// `create(contentsOf:)`: a batch prepared on another thread (`CreatePipeline`) must
/// store exactly what a loop of `create` stores, stop where the loop would, and leave no
/// gap in revisions.
@Suite struct StoreBatchCreateTests {
  static func batch(_ range: Range<Int>, namespace: String = "default") -> [Object] {
    range.map { i in
      var o = Object(apiVersion: "v1", kind: "ConfigMap", name: "cm-\(i)", namespace: namespace)
      o.labels = ["app": "batch", "shard": "s\(i % 3)"]
      o.value["data"] = ["i": .string(String(i))]
      return o
    }
  }

  @Test func aBatchGetsConsecutiveRevisionsOrderedUIDsAndItsRows() async throws {
    let f = try StoreFixture()
    try await f.namespace("default")
    let before = try await f.store.currentRevision()
    let watch = try await f.store.watch(configMaps, from: before, ListOptions())
    var created: [Object] = []
    let committed = try await f.store.transaction(context: f.admin) { tx throws(StoreError) in
      created = try tx.create(contentsOf: Self.batch(0..<300))
    }
    #expect(committed == before + 300)
    #expect(created.map(\.resourceVersion) == (1...300).map { String(before + Int64($0)) })
    #expect(created.map(\.name) == (0..<300).map { "cm-\($0)" })
    let uids = created.compactMap(\.uid)
    #expect(uids.count == 300 && Set(uids).count == 300)
    #expect(uids == uids.sorted(), "version 7 uids follow creation order")
    #expect(created.allSatisfy { $0.generation == 1 && $0.creationTimestamp != nil })
    for i in [0, 150, 299] {
      #expect(try await f.store.get(cmKey("cm-\(i)")) == created[i])
    }
    let shard1 = try await f.store.list(
      configMaps, ListOptions(labelSelector: try LabelSelector(parsing: "shard=s1")))
    #expect(shard1.items.count == 100)
    let events = try await collect(watch, 300)
    #expect(events.map(\.object) == created)
    #expect(events.allSatisfy { $0.kind == .added })
    #expect(try f.store.check() == [])
  }

  @Test func aCRDInTheBatchServesTheObjectsAfterIt() async throws {
    let f = try StoreFixture()
    try await f.namespace("default")
    let crd = try Object(YAMLDecoder().decode(Array(StoreCRDTests.crd.utf8))[0].value)
    let widgets = (0..<80).map { i in
      Object(apiVersion: "example.com/v1", kind: "Widget", name: "w\(i)", namespace: "default")
    }
    var created: [Object] = []
    _ = try await f.store.transaction(context: f.admin) { tx throws(StoreError) in
      created = try tx.create(contentsOf: Self.batch(0..<40) + [crd] + widgets)
    }
    #expect(created.count == 121)
    let rvs = created.compactMap { $0.resourceVersion.flatMap { Int64($0) } }
    #expect(rvs == Array(rvs[0]..<(rvs[0] + 121)))
    let stored = try await f.store.list(
      GroupResource(group: "example.com", resource: "widgets"), ListOptions())
    #expect(stored.items.count == 80)
  }

  @Test func aDuplicateStopsTheBatchWithoutARevisionGap() async throws {
    let f = try StoreFixture()
    try await f.namespace("default")
    try await f.configMap("cm-100")
    let before = try await f.store.currentRevision()
    var failure: StoreError?
    let committed = try await f.store.transaction(context: f.admin) { tx throws(StoreError) in
      do throws(StoreError) {
        _ = try tx.create(contentsOf: Self.batch(0..<200))
      } catch {
        failure = error
      }
      // The transaction goes on after the caught error: the next revision follows.
      _ = try tx.create(Self.batch(500..<501)[0])
    }
    #expect(failure == .alreadyExists(cmKey("cm-100")))
    #expect(committed == before + 101)
    #expect(try await f.store.get(cmKey("cm-99")).resourceVersion == String(before + 100))
    #expect(try await f.store.get(cmKey("cm-500")).resourceVersion == String(before + 101))
    let missing = await storeError { _ = try await f.store.get(cmKey("cm-101")) }
    #expect(missing == .notFound(cmKey("cm-101")))
    #expect(try f.store.check() == [])
  }

  @Test func anInvalidObjectAbortsAnUncaughtBatchWhole() async throws {
    let f = try StoreFixture()
    try await f.namespace("default")
    let before = try await f.store.currentRevision()
    var objects = Self.batch(0..<200)
    objects[150].name = "Not_A_Name"
    let error = await storeError {
      _ = try await f.store.transaction(context: f.admin) { tx throws(StoreError) in
        _ = try tx.create(contentsOf: objects)
      }
    }
    guard case .invalid(let key, let causes)? = error else {
      Issue.record("expected Invalid, got \(String(describing: error))")
      return
    }
    #expect(key == cmKey("Not_A_Name"))
    #expect(causes.map(\.field.description) == ["metadata.name"])
    #expect(try await f.store.currentRevision() == before)
    let listed = try await f.store.list(configMaps, ListOptions())
    #expect(listed.items.isEmpty)
  }

  @Test func namespacesGeneratedNamesAndMissingNamespacesInABatch() async throws {
    let f = try StoreFixture()
    var generated = Object(apiVersion: "v1", kind: "ConfigMap", name: "", namespace: "team")
    generated.name = nil
    generated.generateName = "gen-"
    let batch =
      [Object(apiVersion: "v1", kind: "Namespace", name: "team")]
      + Self.batch(0..<50, namespace: "team") + [generated]
      + Self.batch(50..<100, namespace: "team")
    var created: [Object] = []
    _ = try await f.store.transaction(context: f.admin) { tx throws(StoreError) in
      created = try tx.create(contentsOf: batch)
    }
    #expect(created.count == 102)
    #expect(created[0].status?["phase"] == "Active")
    #expect(created[51].name?.hasPrefix("gen-") == true)
    #expect(
      created[51].resourceVersion.flatMap { Int64($0) }
        == created[50].resourceVersion.flatMap { Int64($0) }.map { $0 + 1 })
    #expect(try await f.store.list(configMaps, ListOptions(namespace: "team")).items.count == 101)

    let orphans = Self.batch(0..<40, namespace: "nowhere")
    let error = await storeError {
      _ = try await f.store.transaction(context: f.admin) { tx throws(StoreError) in
        _ = try tx.create(contentsOf: orphans)
      }
    }
    #expect(error == .namespaceNotFound("nowhere"))
  }

  /// More objects than the pipeline may prepare ahead (1,024): the preparing thread
  /// waits for room and is woken, and a batch that fails early stops it.
  @Test func batchesLargerThanThePreparationWindow() async throws {
    let f = try StoreFixture()
    try await f.namespace("default")
    try await f.configMap("cm-5")
    let failed = await storeError {
      _ = try await f.store.transaction(context: f.admin) { tx throws(StoreError) in
        _ = try tx.create(contentsOf: Self.batch(0..<3_000))
      }
    }
    #expect(failed == .alreadyExists(cmKey("cm-5")))
    let before = try await f.store.currentRevision()
    var created: [Object] = []
    let committed = try await f.store.transaction(context: f.admin) { tx throws(StoreError) in
      created = try tx.create(contentsOf: Self.batch(10..<3_010))
    }
    #expect(committed == before + 3_000)
    #expect(created.map(\.name) == (10..<3_010).map { "cm-\($0)" })
    #expect(created.last?.resourceVersion == String(committed))
    #expect(try await f.store.list(configMaps, ListOptions()).items.count == 3_001)
  }
}
