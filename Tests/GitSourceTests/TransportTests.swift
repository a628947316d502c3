import Foundation
import GitSource
import TestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// Real transports: `git daemon`, `git http-backend` with and without basic auth, closed
/// ports, a silent peer (timeout) and cancellation.
@Suite struct TransportTests {
  static func populatedFixture() throws -> (GitFixture, String) {
    let fixture = try GitFixture()
    try fixture.write("deploy/a.yaml", "a: 1\n")
    let sha = try fixture.commit("one")
    try fixture.push()
    return (fixture, sha)
  }

  @Test func gitDaemonClonesAndFetches() async throws {
    let (fixture, first) = try Self.populatedFixture()
    defer { fixture.remove() }
    let daemon = try GitDaemon(basePath: fixture.served)
    defer { daemon.stop() }
    let mirror = GitMirror(url: daemon.url("repo.git"), parentDirectory: fixture.mirrors)
    #expect(try await mirror.fetch().cloned)
    #expect(try mirror.resolve(.branch("main")).commit.sha == first)
    try fixture.write("deploy/b.yaml", "b: 1\n")
    let second = try fixture.commit("two")
    try fixture.push()
    try await mirror.fetch()
    #expect(try mirror.resolve(.branch("main")).commit.sha == second)
    #expect(try mirror.snapshot(commit: second, path: "deploy").files.count == 2)
  }

  @Test func httpBackendClonesAndFetches() async throws {
    let (fixture, first) = try Self.populatedFixture()
    defer { fixture.remove() }
    let server = try HTTPGitServer(root: fixture.served, scriptDirectory: fixture.root)
    defer { server.stop() }
    let mirror = GitMirror(url: server.url("repo.git"), parentDirectory: fixture.mirrors)
    #expect(try await mirror.fetch().cloned)
    #expect(try mirror.resolve(.branch("main")).commit.sha == first)
    try fixture.git("tag", "-a", "v2", "-m", "two")
    try fixture.pushTags()
    try await mirror.fetch()
    #expect(try mirror.resolve(.tag("v2")).commit.sha == first)
  }

  @Test func httpBasicAuthWithRightCredentials() async throws {
    let (fixture, first) = try Self.populatedFixture()
    defer { fixture.remove() }
    let server = try HTTPGitServer(
      root: fixture.served, scriptDirectory: fixture.root, basicAuth: "alice:open-sesame")
    defer { server.stop() }
    let mirror = GitMirror(url: server.url("repo.git"), parentDirectory: fixture.mirrors)
    try await mirror.fetch(credentials: .basic(username: "alice", password: "open-sesame"))
    #expect(try mirror.resolve(.branch("main")).commit.sha == first)
    let token = GitMirror(url: server.url("repo.git"), directory: fixture.root + "/token-mirror")
    try await token.fetch(credentials: .token("open-sesame", username: "alice"))
    #expect(try token.resolve(.branch("main")).commit.sha == first)
  }

  @Test func httpBasicAuthWithWrongOrMissingCredentialsFails() async throws {
    let (fixture, _) = try Self.populatedFixture()
    defer { fixture.remove() }
    let server = try HTTPGitServer(
      root: fixture.served, scriptDirectory: fixture.root, basicAuth: "alice:open-sesame")
    defer { server.stop() }
    let mirror = GitMirror(url: server.url("repo.git"), parentDirectory: fixture.mirrors)
    let wrong = await #expect(throws: GitError.self) {
      try await mirror.fetch(credentials: .basic(username: "alice", password: "hunter2-wrong"))
    }
    #expect(wrong?.kind == .authenticationFailed)
    #expect(wrong.map { !"\($0)".contains("hunter2-wrong") } == true)
    let missing = await #expect(throws: GitError.self) { try await mirror.fetch() }
    #expect(missing?.kind == .authenticationFailed)
    #expect(!mirror.isCloned)
  }

  @Test func credentialsInTheURLNeverAppearInErrors() async throws {
    let (fixture, _) = try Self.populatedFixture()
    defer { fixture.remove() }
    let server = try HTTPGitServer(
      root: fixture.served, scriptDirectory: fixture.root, basicAuth: "alice:open-sesame")
    defer { server.stop() }
    let secretURL = server.url("repo.git", userInfo: "alice:pa55-in-url")
    let mirror = GitMirror(url: secretURL, parentDirectory: fixture.mirrors)
    #expect(!mirror.displayURL.contains("pa55-in-url"))
    #expect(mirror.displayURL == server.url("repo.git"))
    let error = await #expect(throws: GitError.self) { try await mirror.fetch() }
    #expect(error?.kind == .authenticationFailed)
    let text = error.map { "\($0) \($0.message) \(String(reflecting: $0))" } ?? ""
    #expect(!text.contains("pa55-in-url"))
    #expect(!text.contains("alice:"))
    #expect(text.contains("127.0.0.1"))
    // The right password in the URL works (libgit2 uses it), still never shown.
    let good = GitMirror(
      url: server.url("repo.git", userInfo: "alice:open-sesame"), directory: fixture.root + "/m2")
    try await good.fetch()
    #expect(good.isCloned)
  }

  @Test func closedPortsAreUnreachable() async throws {
    let fixture = try GitFixture()
    defer { fixture.remove() }
    let port = try LocalSocket.closedPort()
    for url in ["git://127.0.0.1:\(port)/repo.git", "http://u:sekrit@127.0.0.1:\(port)/repo.git"] {
      let mirror = GitMirror(url: url, parentDirectory: fixture.mirrors)
      let error = await #expect(throws: GitError.self) {
        try await mirror.fetch(credentials: .basic(username: "u", password: "sekrit"))
      }
      #expect(error?.kind == .unreachable, "\(url): \(String(describing: error))")
      #expect(error.map { !$0.message.contains("sekrit") } == true)
    }
  }

  @Test func silentPeerTimesOut() async throws {
    let fixture = try GitFixture()
    defer { fixture.remove() }
    // The kernel completes the handshake but nobody ever answers.
    let (fd, port) = try LocalSocket.listen()
    defer { close(fd) }
    let mirror = GitMirror(
      url: "git://127.0.0.1:\(port)/repo.git", parentDirectory: fixture.mirrors)
    let clock = ContinuousClock()
    let start = clock.now
    let error = await #expect(throws: GitError.self) {
      try await mirror.fetch(timeout: .milliseconds(500))
    }
    #expect(error?.kind == .timedOut)
    // Well under a silent peer's forever; generous because the suites run in parallel on
    // two cores and can hold the timer back for seconds.
    #expect(clock.now - start < .seconds(20))
  }

  @Test func cancellationStopsWaiting() async throws {
    let fixture = try GitFixture()
    defer { fixture.remove() }
    let (fd, port) = try LocalSocket.listen()
    defer { close(fd) }
    let mirror = GitMirror(
      url: "git://127.0.0.1:\(port)/repo.git", parentDirectory: fixture.mirrors)
    let task = Task { try await mirror.fetch(timeout: .seconds(60)) }
    try await Task.sleep(for: .milliseconds(200))
    task.cancel()
    let clock = ContinuousClock()
    let start = clock.now
    let result = await task.result
    #expect(clock.now - start < .seconds(5))
    #expect(throws: GitError.self) { try result.get() }
    #expect((try? result.get()) == nil)
    if case .failure(let error as GitError) = result { #expect(error.kind == .cancelled) }
  }

  @Test(.enabled(if: LibGit2.supportsSSH)) func sshCredentialsAreNeverShown() async throws {
    // No SSH server is available in tests; this checks the SSH path up to the connection.
    let fixture = try GitFixture()
    defer { fixture.remove() }
    let port = try LocalSocket.closedPort()
    let mirror = GitMirror(
      url: "ssh://git@127.0.0.1:\(port)/repo.git", parentDirectory: fixture.mirrors)
    let key =
      "-----BEGIN OPENSSH PRIVATE KEY-----\nsupersecretkeymaterial\n-----END OPENSSH PRIVATE KEY-----"
    let credentials = GitCredentials.ssh(privateKey: key, passphrase: "phrase-xyz", knownHosts: "")
    #expect(!"\(credentials)".contains("supersecret"))
    let error = await #expect(throws: GitError.self) {
      try await mirror.fetch(credentials: credentials)
    }
    #expect(error?.kind == .unreachable)
    let text = error.map { "\($0)" } ?? ""
    #expect(!text.contains("supersecret"))
    #expect(!text.contains("phrase-xyz"))
  }
}
