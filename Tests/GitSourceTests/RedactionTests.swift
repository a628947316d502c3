import Testing

@testable import GitSource

/// Credentials never reach messages, descriptions or reflection.
@Suite struct RedactionTests {
  @Test func urlUserInfoIsRemoved() {
    #expect(GitRedaction.scrubURLs("https://bob:s3cret@host/x.git") == "https://host/x.git")
    #expect(GitRedaction.scrubURLs("https://token@host:8443/x") == "https://host:8443/x")
    #expect(
      GitRedaction.scrubURLs("failed 'http://a:b@h/r' and ssh://git@h2/r ok")
        == "failed 'http://h/r' and ssh://h2/r ok")
    #expect(GitRedaction.scrubURLs("no url: here") == "no url: here")
    #expect(GitRedaction.scrubURLs("mail@example.com") == "mail@example.com")
  }

  @Test func knownSecretsAreMasked() {
    let text = GitRedaction.scrub("pw p@ss/word and p%40ss%2Fword", secrets: ["p@ss/word", ""])
    #expect(text == "pw *** and ***")
    let error = GitError(.other, "x https://u:pw@h/r leaked topsecret", secrets: ["topsecret"])
    #expect(error.message == "x https://h/r leaked ***")
  }

  @Test func credentialsDescribeThemselvesWithoutSecrets() {
    let all: [GitCredentials] = [
      .basic(username: "bob", password: "hunter2"), .token("ghp_abcdef"),
      .ssh(
        privateKey: "PRIVATE-KEY-TEXT", passphrase: "pp-secret", knownHosts: "h ssh-ed25519 AAAA"),
    ]
    for credentials in all {
      for text in ["\(credentials)", String(reflecting: credentials), dumped(credentials)] {
        for secret in ["hunter2", "ghp_abcdef", "PRIVATE-KEY-TEXT", "pp-secret"] {
          #expect(!text.contains(secret), "\(text)")
        }
      }
    }
  }

  func dumped(_ value: some Any) -> String {
    var text = ""
    dump(value, to: &text)
    return text
  }

  @Test func errorsAreClassifiedFromLibgit2Messages() {
    func kind(_ detail: String, code: Int32 = -1, errorClass: Int32 = -1) -> GitError.Kind {
      GitError.classify(code: code, errorClass: errorClass, detail: detail, notFound: .notFound)
    }
    #expect(kind("unexpected http status code: 401") == .authenticationFailed)
    #expect(kind("unexpected http status code: 404") == .notFound)
    #expect(kind("failed to connect to 127.0.0.1: Connection refused") == .unreachable)
    #expect(kind("something", code: -16) == .authenticationFailed)
    #expect(kind("something", code: -3) == .notFound)
    #expect(kind("odd failure") == .other)
  }
}
