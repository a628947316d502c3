import Foundation

/// Runs the built `mooring` binary as a user would, from the package root.
struct MooringProcess {
  /// The package root (tests run from anywhere).
  static let root: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

  /// `MOORING_BIN` when set (make test sets it), else the debug build's binary.
  static var binary: String {
    if let bin = ProcessInfo.processInfo.environment["MOORING_BIN"], !bin.isEmpty { return bin }
    return root.appendingPathComponent(".build/debug/mooring").path
  }

  struct Result {
    var status: Int32
    var stdout: String
    var stderr: String
  }

  /// Runs `mooring args...` in the package root and waits for it.
  static func run(_ args: [String]) throws -> Result {
    try run(executable: binary, args)
  }

  /// Runs any program in the package root and waits for it, collecting its output.
  static func run(executable: String, _ args: [String]) throws -> Result {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = args
    process.currentDirectoryURL = root
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    // Read before waiting so a large output cannot fill the pipe and block the child.
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    let errData = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return Result(
      status: process.terminationStatus,
      stdout: String(decoding: outData, as: UTF8.self),
      stderr: String(decoding: errData, as: UTF8.self))
  }
}
