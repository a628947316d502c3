import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Starts processes with posix_spawn and reaps them with waitpid. Foundation's `Process`
/// is avoided: under the test runner its termination notification can be lost (the child
/// stays a zombie and `waitUntilExit` never returns), and children inherit a signal mask
/// that blocks SIGTERM; here the child gets an empty mask and default dispositions.
public struct Subprocess: Sendable {
  public let pid: pid_t

  /// Runs `executable` with `arguments`; output goes to the given files (or /dev/null).
  public init(
    _ executable: String, _ arguments: [String], environment: [String: String],
    standardOutput: String = "/dev/null", standardError: String = "/dev/null"
  ) throws {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(
      &actions, 1, standardOutput, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    posix_spawn_file_actions_addopen(
      &actions, 2, standardError, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var empty = sigset_t()
    sigemptyset(&empty)
    posix_spawnattr_setsigmask(&attributes, &empty)
    var defaults = sigset_t()
    sigemptyset(&defaults)
    for signal in [SIGTERM, SIGINT, SIGPIPE, SIGCHLD] { sigaddset(&defaults, signal) }
    posix_spawnattr_setsigdefault(&attributes, &defaults)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

    let argv = ([executable] + arguments).map { strdup($0) } + [nil]
    let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer {
      for pointer in argv { free(pointer) }
      for pointer in envp { free(pointer) }
    }
    var pid: pid_t = 0
    let code = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
    guard code == 0 else {
      throw SubprocessError(description: "posix_spawn \(executable) failed: \(code)")
    }
    self.pid = pid
  }

  /// Waits for the process to end; returns its exit status (128 + signal if killed).
  @discardableResult
  public func wait() -> Int32 {
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 {
      if errno != EINTR { return -1 }
    }
    if status & 0x7f == 0 { return (status >> 8) & 0xff }
    return 128 + (status & 0x7f)
  }

  /// Waits up to `seconds` for the process to end: its exit status (as `wait()` gives it),
  /// or nil if it still runs.
  public func exitStatus(within seconds: Double) async throws -> Int32? {
    var status: Int32 = 0
    let deadline = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
    while ContinuousClock.now < deadline {
      if waitpid(pid, &status, WNOHANG) == pid {
        if status & 0x7f == 0 { return (status >> 8) & 0xff }
        return 128 + (status & 0x7f)
      }
      try await Task.sleep(for: .milliseconds(50))
    }
    return nil
  }

  /// Kills the process (SIGKILL) and reaps it.
  public func kill() {
    _ = Glibc.kill(pid, SIGKILL)
    wait()
  }
}

/// A process that could not be started.
public struct SubprocessError: Error, CustomStringConvertible {
  public var description: String
  public init(description: String) { self.description = description }
}
