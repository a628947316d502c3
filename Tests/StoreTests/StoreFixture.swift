import Foundation
import Objects
import Store

/// A store in a fresh temporary directory, removed when the fixture goes away.
final class StoreFixture: Sendable {
  let directory: String
  let store: SQLiteStore
  let admin = WriteContext(actor: "admin", source: "test")

  init(configure: (inout SQLiteStore.Configuration) -> Void = { _ in }) throws {
    directory = NSTemporaryDirectory() + "mooring-store-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    var configuration = SQLiteStore.Configuration()
    configuration.automaticGarbageCollection = false
    configure(&configuration)
    store = try SQLiteStore(path: directory + "/store.db", configuration: configuration)
  }

  deinit { try? FileManager.default.removeItem(atPath: directory) }

  var path: String { directory + "/store.db" }

  @discardableResult
  func namespace(_ name: String) async throws -> Object {
    try await store.create(Object(apiVersion: "v1", kind: "Namespace", name: name), context: admin)
  }

  @discardableResult
  func configMap(
    _ name: String, in namespace: String = "default", labels: [String: String] = [:],
    data: [String: String] = [:]
  ) async throws -> Object {
    var object = Object(apiVersion: "v1", kind: "ConfigMap", name: name, namespace: namespace)
    object.labels = labels
    if !data.isEmpty {
      object.value["data"] = .map(ValueMap(data.map { ($0.key, Value.string($0.value)) }))
    }
    return try await store.create(object, context: admin)
  }
}

let configMaps = GroupResource(group: "", resource: "configmaps")
let namespaces = GroupResource(group: "", resource: "namespaces")
let projects = GroupResource(group: "resourcemanager.mooring.dev", resource: "projects")

func cmKey(_ name: String, _ namespace: String = "default") -> ObjectKey {
  ObjectKey(configMaps, namespace: namespace, name: name)
}

/// Collects `count` events from a watch, failing after `seconds`.
func collect(
  _ stream: AsyncThrowingStream<WatchEvent, any Error>, _ count: Int, seconds: Double = 5,
  skipBookmarks: Bool = true
) async throws -> [WatchEvent] {
  try await withThrowingTaskGroup(of: [WatchEvent]?.self) { group in
    group.addTask {
      var events: [WatchEvent] = []
      for try await event in stream {
        if skipBookmarks && event.kind == .bookmark { continue }
        events.append(event)
        if events.count == count { break }
      }
      return events
    }
    group.addTask {
      try await Task.sleep(for: .seconds(seconds))
      return nil
    }
    let first = try await group.next()!
    group.cancelAll()
    return first ?? []
  }
}

/// The StoreError `body` throws, nil when it succeeds.
func storeError(_ body: () async throws -> Void) async -> StoreError? {
  do {
    try await body()
    return nil
  } catch let e as StoreError {
    return e
  } catch {
    return .storage("not a StoreError: \(error)")
  }
}
