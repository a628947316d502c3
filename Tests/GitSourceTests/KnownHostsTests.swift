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
        |1|hashedsalt=|hashedhost= ssh-ed25519 \(encoded)
        """)
    #expect(hosts.trusts(host: "git.example.com", port: 22, key: key))
    #expect(hosts.trusts(host: "10.0.0.1", port: 22, key: key))
    #expect(!hosts.trusts(host: "git.example.com", port: 22, key: other))
    #expect(hosts.trusts(host: "git.example.com", port: 2222, key: key))
    #expect(!hosts.trusts(host: "10.0.0.1", port: 2222, key: key))
    #expect(hosts.trusts(host: "a.corp.example", port: 22, key: key))
    #expect(!hosts.trusts(host: "evil.example", port: 22, key: key))
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
