import Foundation
import Objects
import Store

// Mooring's SQLiteStore (durable: synchronous=FULL; no background GC) against the limit,
// raw SQLite with the same rows, in one process. Prints one JSON object on stdout that
// Benchmarks/bench.sh sets beside the etcd peer (Benchmarks/peers/etcd_peer.py). Never
// asserts timings.
//
// usage: StoreBench DIR [OBJECTS] [SINGLES] [WATCH_WRITES] [WATCHERS]

let args = CommandLine.arguments
guard args.count >= 2 else {
  fail("usage: StoreBench DIR [OBJECTS] [SINGLES] [WATCH_WRITES] [WATCHERS]")
}
let directory = args[1]
func argument(_ i: Int, _ fallback: Int) -> Int {
  guard args.count > i else { return fallback }
  guard let n = Int(args[i]) else { fail("not a number: \(args[i])") }
  return n
}
let objectCount = argument(2, 100_000)
let singleCount = argument(3, 2_000)
let watchWrites = argument(4, 200)
let watcherCount = argument(5, 100)
let batchSize = 1_000
let getCount = 5_000
let listRounds = 30
let pageSize = 500

try? FileManager.default.removeItem(atPath: directory)
do {
  try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
} catch {
  fail("cannot create \(directory): \(error)")
}

var results: [String: Any] = [
  "objects": objectCount, "batch": batchSize, "singles": singleCount,
  "watch_writes": watchWrites, "watchers": watcherCount, "gets": getCount,
  "sqlite": String(cString: sqliteVersion()),
  "store_writer_synchronous": storeWriterSynchronous(path: directory + "/probe.db"),
]

@MainActor func record(_ section: String, _ values: [String: Any]) {
  var s = results[section] as? [String: Any] ?? [:]
  for (k, v) in values { s[k] = v }
  results[section] = s
}

func latencies(_ l: Latency) -> [String: Double] {
  ["p50_ms": l.p50, "p99_ms": l.p99, "max_ms": l.max, "mean_ms": l.mean]
}

/// A reproducible sample of object indexes.
func sample(_ count: Int, below n: Int, seed: UInt64) -> [Int] {
  var rng = SplitMix(state: seed)
  return (0..<count).map { _ in Int.random(in: 0..<n, using: &rng) }
}

// MARK: - Mooring's SQLiteStore

var configuration = SQLiteStore.Configuration()
configuration.durable = true
configuration.automaticGarbageCollection = false
let store: SQLiteStore
do {
  store = try SQLiteStore(path: directory + "/store.db", configuration: configuration)
} catch {
  fail("cannot open the store: \(error)")
}
let context = WriteContext(
  actor: "system:sync:tenant-000/config-sync",
  source: "git:https://git.example.com/org-acme/platform.git@sha1:0123456789abcdef")

/// Creates `objects` in one store transaction (nonisolated: the body stays in this task).
func createBatch(_ store: SQLiteStore, _ objects: [Object], _ context: WriteContext)
  async throws(StoreError)
{
  _ = try await store.transaction(context: context) {
    (tx: inout any StoreTransaction) throws(StoreError) in
    _ = try tx.create(contentsOf: objects)
  }
}

@MainActor func storeBench() async throws {
  for n in 0..<Workload.namespaceCount {
    _ = try await store.create(Workload.namespaceObject(n), context: context)
  }
  var bytes = 0
  let probe = try await store.create(Workload.object(objectCount + singleCount), context: context)
  bytes = JSON.encodeBytes(probe.value).count
  _ = try await store.delete(
    Workload.key(objectCount + singleCount), options: DeleteOptions(), context: context)
  record("store", ["object_bytes": bytes])

  // 1. Batched creates, RSS sampled as the store grows.
  var memory: [[Double]] = [[0, residentMB()]]
  var writing = 0.0
  var batches: [Double] = []
  let step = max(batchSize, objectCount / 10)
  for start in stride(from: 0, to: objectCount, by: batchSize) {
    let objects = (start..<min(objectCount, start + batchSize)).map(Workload.object)
    let t0 = now()
    try await createBatch(store, objects, context)
    let dt = now() - t0
    writing += dt
    batches.append(dt)
    let done = start + objects.count
    if done % step == 0 || done == objectCount { memory.append([Double(done), residentMB()]) }
  }
  progress("batched: \(objectCount) objects in \(String(format: "%.2f", writing)) s")
  record(
    "store",
    [
      "batched_per_s": Double(objectCount) / writing, "batched_seconds": writing,
      "batch_latency": latencies(Latency(batches)), "rss_mb": memory,
    ])

  // 1b. One object per durable transaction.
  var singles: [Double] = []
  for j in 0..<singleCount {
    let o = Workload.object(objectCount + j)
    let t0 = now()
    _ = try await store.create(o, context: context)
    singles.append(now() - t0)
  }
  let singleTotal = singles.reduce(0, +)
  progress("singles: \(singleCount) in \(String(format: "%.2f", singleTotal)) s")
  record(
    "store",
    [
      "single_per_s": Double(singleCount) / singleTotal,
      "single_latency": latencies(Latency(singles)),
    ])

  // 2. Reads at `objectCount` objects.
  var gets: [Double] = []
  for i in sample(getCount, below: objectCount, seed: 1) {
    let t0 = now()
    let o = try await store.get(Workload.key(i))
    gets.append(now() - t0)
    if o.name != Workload.name(i) { fail("get returned \(o.name ?? "?")") }
  }
  var namespaceLists: [Double] = []
  var namespaceItems = 0
  for i in sample(listRounds, below: Workload.namespaceCount, seed: 2) {
    let t0 = now()
    let list = try await store.list(
      Workload.configMaps, ListOptions(namespace: Workload.namespace(i)))
    namespaceLists.append(now() - t0)
    namespaceItems = list.items.count
  }
  var labelLists: [Double] = []
  var labelItems = 0
  let selector = try LabelSelector(
    parsing: Workload.rareLabel.key + "=" + Workload.rareLabel.value)
  for _ in 0..<listRounds {
    let t0 = now()
    let list = try await store.list(Workload.configMaps, ListOptions(labelSelector: selector))
    labelLists.append(now() - t0)
    labelItems = list.items.count
  }
  var pages: [Double] = []
  var fullLists: [Double] = []
  var fullItems = 0
  for _ in 0..<2 {
    var token: String?
    var items = 0
    let start = now()
    repeat {
      let t0 = now()
      let list = try await store.list(
        Workload.configMaps, ListOptions(limit: pageSize, continueToken: token))
      pages.append(now() - t0)
      items += list.items.count
      token = list.continueToken
    } while token != nil
    fullLists.append(now() - start)
    fullItems = items
  }
  progress("reads done")
  record(
    "store",
    [
      "get_latency": latencies(Latency(gets)),
      "list_namespace_latency": latencies(Latency(namespaceLists)),
      "list_namespace_items": namespaceItems,
      "list_label_latency": latencies(Latency(labelLists)), "list_label_items": labelItems,
      "page_latency": latencies(Latency(pages)), "full_list_seconds": fullLists.min() ?? 0,
      "full_list_items": fullItems, "rss_after_reads_mb": residentMB(),
    ])

  // 3. Watch delivery to `watcherCount` watchers of the kind.
  var streams: [AsyncThrowingStream<WatchEvent, any Error>] = []
  for _ in 0..<watcherCount {
    streams.append(try await store.watch(Workload.configMaps, from: 0, ListOptions()))
  }
  let expected = watchWrites
  let watchers = streams.map { stream in
    Task.detached { () -> [(Int64, Double)] in
      var got: [(Int64, Double)] = []
      got.reserveCapacity(expected)
      do {
        for try await event in stream where event.kind != .bookmark {
          got.append((event.revision, now()))
          if got.count == expected { break }
        }
      } catch {
        progress("a watcher ended: \(error)")
      }
      return got
    }
  }
  var committed: [Int64: (Double, Double)] = [:]
  for j in 0..<watchWrites {
    let o = Workload.object(objectCount + singleCount + 1 + j)
    let t0 = now()
    let created = try await store.create(o, context: context)
    committed[Int64(created.resourceVersion ?? "") ?? -1] = (t0, now())
  }
  var fromReturn: [Double] = []
  var fromCall: [Double] = []
  var early = 0
  var received = 0
  for w in watchers {
    for (revision, t) in await w.value {
      guard let (called, returned) = committed[revision] else { continue }
      received += 1
      if t < returned { early += 1 }
      fromReturn.append(max(0, t - returned))
      fromCall.append(t - called)
    }
  }
  progress("watch: \(received) deliveries")
  record(
    "store",
    [
      "watch_from_return": latencies(Latency(fromReturn)),
      "watch_from_call": latencies(Latency(fromCall)), "watch_received": received,
      "watch_before_return": early, "rss_end_mb": residentMB(),
    ])
}

// MARK: - Raw SQLite, the limit

@MainActor func rawBench() {
  let raw = RawSQLite(path: directory + "/raw.db")
  var writing = 0.0
  for start in stride(from: 0, to: objectCount, by: batchSize) {
    let time = Date().timeIntervalSince1970
    var rv = raw.revision
    let rows = (start..<min(objectCount, start + batchSize)).map { i -> RawSQLite.Row in
      rv += 1
      return RawSQLite.row(i, rv: rv, time: time)
    }
    let t0 = now()
    raw.write(rows, time: time)
    writing += now() - t0
  }
  progress("raw batched: \(objectCount) objects in \(String(format: "%.2f", writing)) s")
  var singles: [Double] = []
  for j in 0..<singleCount {
    let time = Date().timeIntervalSince1970
    let row = RawSQLite.row(objectCount + j, rv: raw.revision + 1, time: time)
    let t0 = now()
    raw.write([row], time: time)
    singles.append(now() - t0)
  }
  let singleTotal = singles.reduce(0, +)
  var gets: [Double] = []
  for i in sample(getCount, below: objectCount, seed: 1) {
    let t0 = now()
    let data = raw.get(namespace: Workload.namespace(i), name: Workload.name(i))
    gets.append(now() - t0)
    if data == nil { fail("raw get missed \(i)") }
  }
  var namespaceLists: [Double] = []
  for i in sample(listRounds, below: Workload.namespaceCount, seed: 2) {
    let t0 = now()
    _ = raw.list(namespace: Workload.namespace(i))
    namespaceLists.append(now() - t0)
  }
  var labelLists: [Double] = []
  var labelItems = 0
  for _ in 0..<listRounds {
    let t0 = now()
    labelItems = raw.list(label: Workload.rareLabel.key, Workload.rareLabel.value).count
    labelLists.append(now() - t0)
  }
  var pages: [Double] = []
  var fullLists: [Double] = []
  for _ in 0..<2 {
    var after: (String, String)? = ("", "")
    let start = now()
    while let a = after {
      let t0 = now()
      after = raw.page(after: a, limit: pageSize).1
      pages.append(now() - t0)
    }
    fullLists.append(now() - start)
  }
  progress("raw done")
  record(
    "raw",
    [
      "batched_per_s": Double(objectCount) / writing, "batched_seconds": writing,
      "single_per_s": Double(singleCount) / singleTotal,
      "single_latency": latencies(Latency(singles)),
      "get_latency": latencies(Latency(gets)),
      "list_namespace_latency": latencies(Latency(namespaceLists)),
      "list_label_latency": latencies(Latency(labelLists)), "list_label_items": labelItems,
      "page_latency": latencies(Latency(pages)), "full_list_seconds": fullLists.min() ?? 0,
    ])
}

do {
  try await storeBench()
} catch {
  fail("store: \(error)")
}
rawBench()

guard let json = try? JSONSerialization.data(withJSONObject: results, options: [.sortedKeys])
else { fail("cannot encode the results") }
FileHandle.standardOutput.write(json)
FileHandle.standardOutput.write(Data("\n".utf8))
