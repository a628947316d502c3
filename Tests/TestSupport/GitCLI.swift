import Foundation

/// Runs the real `git` command line with a fixed identity, no user or system config, and
/// no terminal prompts.
public enum GitCLI {
  public struct Failure: Error, CustomStringConvertible {
    public var description: String
    public init(description: String) { self.description = description }
  }

  public static let environment: [String: String] = {
    var environment = ProcessInfo.processInfo.environment
    environment["GIT_CONFIG_NOSYSTEM"] = "1"
    environment["GIT_CONFIG_GLOBAL"] = "/dev/null"
    environment["GIT_AUTHOR_NAME"] = "Ada Author"
    environment["GIT_AUTHOR_EMAIL"] = "ada@example.com"
    environment["GIT_COMMITTER_NAME"] = "Cy Committer"
    environment["GIT_COMMITTER_EMAIL"] = "cy@example.com"
    environment["GIT_TERMINAL_PROMPT"] = "0"
    return environment
  }()

  /// Runs `git -C directory arguments...`; returns its trimmed standard output.
  @discardableResult
  public static func run(
    _ arguments: [String], in directory: String, environment extra: [String: String] = [:]
  )
    throws -> String
  {
    // Output goes to files, not pipes: a concurrently started daemon could inherit a
    // pipe's write end, and reading the pipe to its end would then never return.
    let outputPath = NSTemporaryDirectory() + "mooring-git-cli-" + UUID().uuidString
    defer {
      try? FileManager.default.removeItem(atPath: outputPath + ".out")
      try? FileManager.default.removeItem(atPath: outputPath + ".err")
    }
    let process = try Subprocess(
      "/usr/bin/git", ["-C", directory] + arguments,
      environment: environment.merging(extra) { _, new in new },
      standardOutput: outputPath + ".out", standardError: outputPath + ".err")
    let status = process.wait()
    let data = FileManager.default.contents(atPath: outputPath + ".out") ?? Data()
    let errorData = FileManager.default.contents(atPath: outputPath + ".err") ?? Data()
    guard status == 0 else {
      throw Failure(
        description: "git \(arguments.joined(separator: " ")): "
          + String(decoding: errorData, as: UTF8.self))
    }
    return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
  }
}
