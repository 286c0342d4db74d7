import CCurl
import Foundation

/// One attempt of one request: the easy handle and what its callbacks collected. Lives on the
/// fetcher's thread only; C callbacks reach it through an unretained pointer while the handle is
/// in the multi handle.
final class Transfer {
    let job: FetchJob
    let easy: UnsafeMutableRawPointer
    var body: [UInt8] = []
    var status = 0
    var contentType: String?
    var retryAfter: String?
    var xRobotsTags: [String] = []
    var refusal: String?
    var overCap = false
    var wrongType: String?
    let cap: Int
    let addressGuard: AddressGuard
    var headers: UnsafeMutablePointer<curl_slist>?

    init(job: FetchJob, easy: UnsafeMutableRawPointer, cap: Int, addressGuard: AddressGuard) {
        self.job = job
        self.easy = easy
        self.cap = cap
        self.addressGuard = addressGuard
    }

    /// A header line: a status line resets what was collected (each redirect hop has its own).
    func header(_ line: String) {
        if line.hasPrefix("HTTP/") {
            contentType = nil
            retryAfter = nil
            xRobotsTags = []
            wrongType = nil
            return
        }
        guard let colon = line.firstIndex(of: ":") else { return }
        let name = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
        let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespacesAndNewlines)
        switch name {
        case "content-type":
            let type = value.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
            contentType = type
        case "retry-after": retryAfter = value
        case "x-robots-tag": xRobotsTags.append(value)
        default: break
        }
    }

    /// Body bytes: false aborts the transfer (cap passed, or a content type that is never an image).
    func append(_ bytes: UnsafeRawBufferPointer) -> Bool {
        if (300...399).contains(status) { return true }  // a redirect's body is discarded
        if job.imageOnly, (200...299).contains(status), let t = contentType, Transfer.neverImage(t) {
            wrongType = t
            return false
        }
        if body.count + bytes.count > cap {
            overCap = true
            return false
        }
        if body.isEmpty { body.reserveCapacity(min(cap, 256 << 10)) }
        body.append(contentsOf: bytes)
        return true
    }

    /// Content types that are never an image body.
    static func neverImage(_ type: String) -> Bool {
        type.hasPrefix("text/") || type == "application/json" || type == "application/javascript" || type == "application/xml"
            || type.hasSuffix("+json") || type.hasSuffix("+xml") && type != "image/svg+xml"
    }
}

/// libcurl callbacks: C function pointers that find their `Transfer` through the user pointer.
enum CurlCallbacks {
    static let write: curl_write_callback = { data, size, count, user in
        guard let user, let data else { return 0 }
        let t = Unmanaged<Transfer>.fromOpaque(user).takeUnretainedValue()
        let n = size * count
        return t.append(UnsafeRawBufferPointer(start: data, count: n)) ? n : 0
    }

    static let header: curl_write_callback = { data, size, count, user in
        guard let user, let data else { return 0 }
        let t = Unmanaged<Transfer>.fromOpaque(user).takeUnretainedValue()
        let n = size * count
        let line = String(decoding: UnsafeRawBufferPointer(start: data, count: n), as: UTF8.self)
        if line.hasPrefix("HTTP/") {
            let parts = line.split(separator: " ")
            t.status = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
        }
        t.header(line)
        return n
    }

    /// Every connection curl opens, for every resolved address of every hop, passes here.
    static let openSocket: curl_opensocket_callback = { user, _, address in
        guard let user, let address else { return xp_socket_bad() }
        let t = Unmanaged<Transfer>.fromOpaque(user).takeUnretainedValue()
        let sa = xp_sockaddr(address)!
        guard let bytes = AddressGuard.bytes(of: sa) else {
            t.refusal = "address family \(sa.pointee.sa_family) is not IP"
            return xp_socket_bad()
        }
        if let reason = t.addressGuard.check(bytes) {
            t.refusal = reason
            return xp_socket_bad()
        }
        return socket(address.pointee.family, address.pointee.socktype, address.pointee.protocol)
    }
}
