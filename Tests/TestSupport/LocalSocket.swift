import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// TCP sockets on 127.0.0.1 for tests: free ports, a listener that never answers, and
/// client connections.
public enum LocalSocket {
  /// Binds a listening socket on 127.0.0.1 with a kernel-chosen port; returns (fd, port).
  public static func listen() throws -> (Int32, Int) {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw GitCLI.Failure(description: "socket failed") }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) { pointer in
      pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
        bind(fd, raw, length) == 0 && Glibc.listen(fd, 16) == 0
          && getsockname(fd, raw, &length) == 0
      }
    }
    guard bound else {
      close(fd)
      throw GitCLI.Failure(description: "bind failed")
    }
    return (fd, Int(UInt16(bigEndian: address.sin_port)))
  }

  /// A port nothing listens on (bound, then closed).
  public static func closedPort() throws -> Int {
    let (fd, port) = try listen()
    close(fd)
    return port
  }

  /// A socket connected to 127.0.0.1:`port` (the caller closes it); `receiveBuffer` sets
  /// SO_RCVBUF before connecting.
  public static func connect(port: Int, receiveBuffer: Int32? = nil) throws -> Int32 {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw GitCLI.Failure(description: "socket failed") }
    if var size = receiveBuffer {
      setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
    }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = UInt16(port).bigEndian
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let connected = withUnsafePointer(to: &address) { pointer in
      pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
      }
    }
    guard connected else {
      close(fd)
      throw GitCLI.Failure(description: "cannot connect to 127.0.0.1:\(port)")
    }
    return fd
  }

  /// Whether something accepts connections on 127.0.0.1:`port`.
  public static func accepts(port: Int) -> Bool {
    guard let fd = try? connect(port: port) else { return false }
    close(fd)
    return true
  }

  /// Waits until `port` accepts connections, up to `seconds`.
  public static func waitUntilListening(port: Int, seconds: Double = 10) throws {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
      if accepts(port: port) { return }
      usleep(50_000)
    }
    throw GitCLI.Failure(description: "nothing listens on port \(port)")
  }
}
