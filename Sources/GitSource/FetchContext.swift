import CGit2

/// The state libgit2's remote callbacks see during one fetch, passed as their payload.
/// Created, used and released on the thread running the fetch; only `cancel` is shared.
final class FetchContext {
  let credentials: GitCredentials
  let cancel: CancelFlag
  let endpoint: RemoteEndpoint?
  /// Whether the remote asked for credentials.
  private(set) var authenticationRequested = false
  /// Why authentication failed, if it did (credentials missing, rejected, wrong kind).
  private(set) var authenticationFailure: String?
  /// Why the host key or certificate was rejected, if it was.
  private(set) var certificateFailure: String?
  /// References created, moved or pruned.
  private(set) var updatedReferences: [String] = []
  private var attempts = 0

  init(credentials: GitCredentials, cancel: CancelFlag, url: String) {
    self.credentials = credentials
    self.cancel = cancel
    self.endpoint = RemoteEndpoint(url: url)
  }

  /// Installs the callbacks into `callbacks`, with `self` as their (unretained) payload;
  /// the caller keeps `self` alive for as long as libgit2 may call them.
  func install(into callbacks: inout git_remote_callbacks) {
    callbacks.payload = Unmanaged.passUnretained(self).toOpaque()
    callbacks.credentials = { out, _, usernameFromURL, allowedTypes, payload in
      guard let out, let payload else { return GIT_EUSER.rawValue }
      let context = Unmanaged<FetchContext>.fromOpaque(payload).takeUnretainedValue()
      let username = usernameFromURL.map { String(cString: $0) }
      return context.acquireCredential(out, usernameFromURL: username, allowed: allowedTypes)
    }
    callbacks.certificate_check = { cert, valid, host, payload in
      guard let payload else { return GIT_EUSER.rawValue }
      let context = Unmanaged<FetchContext>.fromOpaque(payload).takeUnretainedValue()
      return context.checkCertificate(
        cert, valid: valid != 0, host: host.map { String(cString: $0) })
    }
    callbacks.transfer_progress = { _, payload in
      guard let payload else { return 0 }
      return Unmanaged<FetchContext>.fromOpaque(payload).takeUnretainedValue().cancel.isCancelled
        ? -1 : 0
    }
    callbacks.sideband_progress = { _, _, payload in
      guard let payload else { return 0 }
      return Unmanaged<FetchContext>.fromOpaque(payload).takeUnretainedValue().cancel.isCancelled
        ? -1 : 0
    }
    callbacks.update_tips = { refname, _, _, payload in
      guard let payload, let refname else { return 0 }
      let context = Unmanaged<FetchContext>.fromOpaque(payload).takeUnretainedValue()
      context.updatedReferences.append(String(cString: refname))
      return 0
    }
  }

  private func acquireCredential(
    _ out: UnsafeMutablePointer<UnsafeMutablePointer<git_credential>?>, usernameFromURL: String?,
    allowed: UInt32
  ) -> Int32 {
    authenticationRequested = true
    if cancel.isCancelled { return GIT_EUSER.rawValue }
    func allows(_ type: git_credential_t) -> Bool { allowed & type.rawValue != 0 }
    switch credentials.storage {
    case .none:
      authenticationFailure = "the remote requires credentials and none were given"
      return GIT_EAUTH.rawValue
    case .basic(let username, let password):
      guard allows(GIT_CREDENTIAL_USERPASS_PLAINTEXT) else {
        authenticationFailure = "the remote does not accept a username and password"
        return GIT_EAUTH.rawValue
      }
      attempts += 1
      guard attempts == 1 else {
        authenticationFailure = "the remote rejected the username and password"
        return GIT_EAUTH.rawValue
      }
      return git_credential_userpass_plaintext_new(out, username, password)
    case .ssh(let configured, let privateKey, let publicKey, let passphrase):
      let username = configured.isEmpty ? (usernameFromURL ?? "git") : configured
      if allows(GIT_CREDENTIAL_USERNAME) && !allows(GIT_CREDENTIAL_SSH_MEMORY)
        && !allows(GIT_CREDENTIAL_SSH_KEY)
      {
        return git_credential_username_new(out, username)
      }
      guard allows(GIT_CREDENTIAL_SSH_MEMORY) || allows(GIT_CREDENTIAL_SSH_KEY) else {
        authenticationFailure = "the remote does not accept an SSH key"
        return GIT_EAUTH.rawValue
      }
      attempts += 1
      guard attempts == 1 else {
        authenticationFailure = "the remote rejected the SSH key"
        return GIT_EAUTH.rawValue
      }
      return git_credential_ssh_key_memory_new(out, username, publicKey, privateKey, passphrase)
    }
  }

  private func checkCertificate(_ cert: UnsafeMutablePointer<git_cert>?, valid: Bool, host: String?)
    -> Int32
  {
    if cancel.isCancelled { return GIT_EUSER.rawValue }
    guard let cert, cert.pointee.cert_type == GIT_CERT_HOSTKEY_LIBSSH2,
      let knownHosts = credentials.knownHosts
    else {
      // TLS certificates and SSH without known_hosts: libgit2's own verdict.
      return valid ? 0 : GIT_PASSTHROUGH.rawValue
    }
    let hostName = host ?? endpoint?.host ?? ""
    let port = endpoint?.port ?? 22
    let key: [UInt8]? = UnsafeMutableRawPointer(cert).withMemoryRebound(
      to: git_cert_hostkey.self, capacity: 1
    ) { hostkey in
      guard hostkey.pointee.type.rawValue & GIT_CERT_SSH_RAW.rawValue != 0,
        let raw = hostkey.pointee.hostkey
      else { return nil }
      return [UInt8](UnsafeRawBufferPointer(start: raw, count: hostkey.pointee.hostkey_len))
    }
    guard let key else {
      certificateFailure = "the SSH server's raw host key is not available to check"
      return GIT_ECERTIFICATE.rawValue
    }
    guard knownHosts.trusts(host: hostName, port: port, key: key) else {
      certificateFailure = "the host key of \(hostName) is not in known_hosts"
      return GIT_ECERTIFICATE.rawValue
    }
    return 0
  }
}
