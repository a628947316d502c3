import Foundation
import Objects
import Store
import Testing

/// Kills a writing `mooring` process with SIGKILL at random moments and checks the store
/// after each: integrity holds, every transaction the writer reported as committed is
/// there, and no transaction is half-applied.
@Suite struct StoreCrashTests {
  @Test func survivesSIGKILLDuringWrites() async throws {
    let dir = NSTemporaryDirectory() + "mooring-crash-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let path = dir + "/store.db"
    var reported = Set<Int>()
    var generator = SystemRandomNumberGenerator()
    for round in 0..<20 {
      let log = dir + "/round-\(round).log"
      FileManager.default.createFile(atPath: log, contents: nil)
      let process = Process()
      process.executableURL = URL(fileURLWithPath: MooringProcess.binary)
      process.arguments = ["store", "torture", "--file", path]
      process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
      process.standardError = FileHandle.nullDevice
      try process.run()
      try await Task.sleep(for: .milliseconds(Int.random(in: 150...600, using: &generator)))
      kill(process.processIdentifier, SIGKILL)
      process.waitUntilExit()
      #expect(process.terminationReason == .uncaughtSignal)
      let text = try String(contentsOfFile: log, encoding: .utf8)
      // Only complete lines were reported.
      for line in text.split(separator: "\n", omittingEmptySubsequences: true)
      where text.hasSuffix("\n") || line != text.split(separator: "\n").last {
        if let n = Int(line) { reported.insert(n) }
      }
      var configuration = SQLiteStore.Configuration()
      configuration.automaticGarbageCollection = false
      let store = try SQLiteStore(path: path, configuration: configuration)
      #expect(try store.check() == [], "round \(round)")
      let items = try await store.list(
        GroupResource(group: "", resource: "configmaps"), ListOptions(namespace: "t")
      ).items
      var batches: [Int: Int] = [:]
      for item in items { batches[Int(item.labels["batch"] ?? "") ?? -1, default: 0] += 1 }
      #expect(batches.values.allSatisfy { $0 == 3 }, "round \(round): a half-applied transaction")
      #expect(reported.isSubset(of: Set(batches.keys)), "round \(round): a reported write is lost")
      #expect(Set(batches.keys) == Set(0..<batches.count), "round \(round): a gap")
    }
    #expect(reported.count > 20)
  }
}
