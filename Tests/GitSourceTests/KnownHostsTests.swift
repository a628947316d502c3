import Foundation
import Testing

@testable import GitSource

/// known_hosts parsing and host key checks, and endpoints parsed from remote URLs.
@Suite struct KnownHostsTests {
  let key: [UInt8] = Array("ssh-ed25519-wire-format-key".utf8)
  let other: [UInt8] = Array("another-key".utf8)
  var encoded: String { Data(key).base64EncodedString() }

  @Test func plainPortAndWildcardHostsMatch() {
    let hosts = KnownHosts(
      text: """
        # comment
        git.example.com,10.0.0.1 ssh-ed25519 \(encoded)
        [git.example.com]:2222 ssh-ed25519 \(encoded)
        *.corp.example ssh-ed25519 \(encoded)
        """)
    #expect(hosts.trusts(host: "git.example.com", port: 22, key: key))
    #expect(hosts.trusts(host: "10.0.0.1", port: 22, key: key))
    #expect(!hosts.trusts(host: "git.example.com", port: 22, key: other))
    #expect(hosts.trusts(host: "git.example.com", port: 2222, key: key))
    #expect(!hosts.trusts(host: "10.0.0.1", port: 2222, key: key))
    #expect(hosts.trusts(host: "a.corp.example", port: 22, key: key))
    #expect(!hosts.trusts(host: "evil.example", port: 22, key: key))
  }

  @Test func hashedEntriesMatch() {
    // Written by `ssh-keygen -H` for git.example.com with this key.
    let hosts = KnownHosts(
      text: "|1|LrtxHlRnwealwcxN6HNCeqwrpNY=|9DuXYvRUK5XpQVgVc8/1ZOWPmo8= ssh-ed25519 \(encoded)")
    #expect(hosts.trusts(host: "git.example.com", port: 22, key: key))
    #expect(hosts.trusts(host: "GIT.example.com", port: 22, key: key))
    #expect(!hosts.trusts(host: "git.example.org", port: 22, key: key))
    #expect(!hosts.trusts(host: "git.example.com", port: 22, key: other))
  }

  @Test func sha1MatchesKnownVectors() {
    func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }
    #expect(hex(SHA1.hash(Array("abc".utf8))) == "a9993e364706816aba3e25717850c26c9cd0d89d")
    #expect(hex(SHA1.hash([])) == "da39a3ee5e6b4b0d3255bfef95601890afd80709")
    let long = Array(String(repeating: "a", count: 1_000).utf8)
    #expect(hex(SHA1.hash(long)) == "291e9a6c66994949b57ba5e650361e98fc36b1ba")
    #expect(
      hex(
        SHA1.hmac(
          key: Array("key".utf8), message: Array("The quick brown fox jumps over the lazy dog".utf8)
        ))
        == "de7c9b85b8b78aa6bc8a7a36f70a90701c9db4d9")
  }

  @Test func revokedAndNegatedEntriesRefuse() {
    let hosts = KnownHosts(
      text: """
        *.example.com,!bad.example.com ssh-ed25519 \(encoded)
        @revoked old.example.com ssh-ed25519 \(encoded)
        old.example.com ssh-ed25519 \(encoded)
        """)
    #expect(hosts.trusts(host: "good.example.com", port: 22, key: key))
    #expect(!hosts.trusts(host: "bad.example.com", port: 22, key: key))
    #expect(!hosts.trusts(host: "old.example.com", port: 22, key: key))
  }

  @Test func endpointsParse() {
    #expect(
      RemoteEndpoint(url: "ssh://git@h.example:2222/x")
        == RemoteEndpoint(host: "h.example", port: 2222))
    #expect(RemoteEndpoint(url: "ssh://h.example/x")?.port == 22)
    #expect(
      RemoteEndpoint(url: "git@github.com:org/repo.git")
        == RemoteEndpoint(host: "github.com", port: 22))
    #expect(RemoteEndpoint(url: "https://u:p@h:8443/x") == RemoteEndpoint(host: "h", port: 8443))
    #expect(RemoteEndpoint(url: "ssh://[::1]:22022/x") == RemoteEndpoint(host: "::1", port: 22022))
    #expect(RemoteEndpoint(url: "file:///srv/repo.git") == nil)
    #expect(RemoteEndpoint(url: "/srv/repo.git") == nil)
  }
}
